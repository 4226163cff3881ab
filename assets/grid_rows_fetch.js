// A large grid's rows (web/row_data.py): fetched after the page's layout from /_rijen/..., so the layout
// response stays small and the rows come encoded once per data version. A refusal or failure leaves the
// grid empty with the server's Dutch message (or ours) below it.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  vios_rows: {
    fetch_rows: async function (url) {
      const none = window.dash_clientside.no_update;
      const failed = 'De tabel kon niet worden geladen. Laad de pagina opnieuw.';
      if (!url) { return [none, none]; }
      try {
        const response = await fetch(url, {credentials: 'same-origin', headers: {Accept: 'application/json'}});
        const body = await response.json().catch(() => null);
        if (!response.ok || !Array.isArray(body)) {
          return [[], (body && body.error) || failed];
        }
        return [body, ''];
      } catch (error) {
        return [[], failed];
      }
    },
    // Gemeenten: the highlight's roles (pages/municipalities/_table.roles: the role of each row, decided
    // on the server) set on the rows, whether they arrived before or after the highlight; only changed
    // rows are new objects, so the grid redraws those rows only.
    apply_roles: function (roles, rows) {
      const none = window.dash_clientside.no_update;
      if (!roles || !Array.isArray(rows)) { return none; }
      const of = roles.of || {};
      let changed = false;
      const out = rows.map(function (row) {
        const role = Object.prototype.hasOwnProperty.call(of, row.cbs_code) ? of[row.cbs_code] : roles.rest;
        if (row.role === role) { return row; }
        changed = true;
        return Object.assign({}, row, {role: role});
      });
      return changed ? out : none;
    }
  }
});
