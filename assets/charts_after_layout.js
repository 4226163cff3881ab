// Gemeenten: the charts' figures come with the page in a store and are handed to the graphs by this
// clientside callback, after the page is on screen: the map's and the event list's requests then go
// out before the browser spends most of a second drawing the charts (pages/municipalities/_charts.py).
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  vios_charts: {
    draw_stored: function (figures) {
      const none = window.dash_clientside.no_update;
      if (!figures) { return [none, none, none, none]; }
      return [figures.coverage || none, figures.phase || none, figures.approach || none, figures.series || none];
    }
  }
});
