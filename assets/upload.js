// dcc.Upload reports a file only when its file input changes: after a cancelled preview the input is emptied,
// so that choosing the same file again starts a new preview (pages/data.py).
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  vios_upload: {
    forget_file: function () {
      document.querySelectorAll("#data-upload input[type=file]").forEach(function (input) { input.value = ""; });
    }
  }
});
