// Case maps (Leaflet, no tiles unless MAP_TILE_URL is set) and the location picker.
(function () {
  "use strict";
  if (typeof L === "undefined") return;
  function baseMap(el, centre, zoom) {
    var map = L.map(el).setView(centre, zoom);
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    return map;
  }
  var list = document.getElementById("case-map");
  if (list && list.dataset.src) {
    var m = baseMap(list, [29.04, 111.70], 13);
    fetch(list.dataset.src, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
      var layer = L.geoJSON(fc, {
        pointToLayer: function (f, ll) {
          return L.circleMarker(ll, { radius: 6, color: f.properties.overdue ? "#c62828" : "#0b57d0" });
        },
        onEachFeature: function (f, l) {
          l.bindPopup('<a href="' + f.properties.url + '">' + f.properties.number + "</a> " + f.properties.title +
            "<br>" + f.properties.state);
        }
      }).addTo(m);
      if (fc.features.length) m.fitBounds(layer.getBounds(), { maxZoom: 17 });
    });
  } else if (list && list.dataset.lng) {
    var ll = [parseFloat(list.dataset.lat), parseFloat(list.dataset.lng)];
    var dm = baseMap(list, ll, 17);
    L.circleMarker(ll, { radius: 8, color: "#b71c1c" }).addTo(dm);
  }
  var pick = document.getElementById("pick-map");
  if (pick) {
    var lng = document.getElementById("id_lng"), lat = document.getElementById("id_lat");
    var start = lng.value ? [parseFloat(lat.value), parseFloat(lng.value)] : [29.041, 111.701];
    var pm = baseMap(pick, start, 15), marker = null;
    function set(latv, lngv) {
      lat.value = latv.toFixed(6); lng.value = lngv.toFixed(6);
      if (marker) marker.setLatLng([latv, lngv]); else marker = L.marker([latv, lngv]).addTo(pm);
      document.getElementById("pick-coords").textContent = lng.value + ", " + lat.value;
      var cat = document.getElementById("id_category");
      if (cat && cat.value && window.htmx) htmx.trigger(cat, "change");
    }
    if (lng.value) set(parseFloat(lat.value), parseFloat(lng.value));
    pm.on("click", function (e) { set(e.latlng.lat, e.latlng.lng); });
    var gps = document.getElementById("use-gps");
    if (gps && navigator.geolocation) gps.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (p) { set(p.coords.latitude, p.coords.longitude); pm.setView([p.coords.latitude, p.coords.longitude], 17); });
    });
  }
})();
