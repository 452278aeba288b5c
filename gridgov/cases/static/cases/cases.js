/* Case maps on the district base map (js/gridmap.js) and the report form's location picker:
   picking a point (click, tap or "locate me") fills lng/lat and, on the staff form, the grid. */
(function () {
  "use strict";
  if (typeof L === "undefined" || !window.GridMap) return;
  var OPEN = "#0b57d0", OVERDUE = "#c62828";

  var list = document.getElementById("case-map");
  if (list && list.dataset.src) {
    var m = GridMap.create(list, { legend: [{ label: "办理中/已办结事件", kind: "point", color: OPEN },
                                             { label: "超期事件", kind: "point", color: OVERDUE }] });
    fetch(list.dataset.src, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
      var layer = L.geoJSON(fc, {
        pointToLayer: function (f, ll) {
          return L.circleMarker(ll, { radius: 7, weight: 2, color: "#fff", fillOpacity: 0.95,
                                      fillColor: f.properties.overdue ? OVERDUE : OPEN });
        },
        onEachFeature: function (f, l) {
          var box = document.createElement("div");
          var a = document.createElement("a");
          a.href = f.properties.url; a.textContent = f.properties.number;
          box.appendChild(a);
          box.appendChild(document.createTextNode(" " + f.properties.title));
          box.appendChild(document.createElement("br"));
          box.appendChild(document.createTextNode(f.properties.state));
          l.bindPopup(box);
        }
      }).addTo(m);
      if (fc.features.length) m.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [20, 20] });
    });
  } else if (list && list.dataset.lng) {
    var ll = [parseFloat(list.dataset.lat), parseFloat(list.dataset.lng)];
    var dm = GridMap.create(list, { center: ll, zoom: 17, legend: [{ label: "事件位置", kind: "point", color: "#b71c1c" }] });
    L.circleMarker(ll, { radius: 8, weight: 2, color: "#fff", fillColor: "#b71c1c", fillOpacity: 1 }).addTo(dm);
  }

  var pick = document.getElementById("pick-map");
  if (pick) {
    var lng = document.getElementById("id_lng"), lat = document.getElementById("id_lat");
    var grid = document.getElementById("id_grid"), gridName = document.getElementById("pick-grid");
    var start = lng.value ? [parseFloat(lat.value), parseFloat(lng.value)] : null;
    var pm = GridMap.create(pick, start ? { center: start, zoom: 17 } : {});
    var marker = null;
    var set = function (latv, lngv) {
      lat.value = latv.toFixed(6); lng.value = lngv.toFixed(6);
      if (marker) marker.setLatLng([latv, lngv]); else marker = L.marker([latv, lngv], { keyboard: false }).addTo(pm);
      document.getElementById("pick-coords").textContent = lng.value + ", " + lat.value;
      var url = pick.dataset.gridAt;
      if (url) {
        fetch(url + "?lng=" + lng.value + "&lat=" + lat.value, { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (d) {
            if (grid && d.grid) grid.value = d.grid.code;
            if (gridName) gridName.textContent = d.grid ? ("所在网格：" + d.grid.name + "（" + d.grid.code + "）") : "该点不在任何网格内";
          });
      }
      var cat = document.getElementById("id_category");
      if (cat && cat.value && window.htmx) window.htmx.trigger(cat, "change");
    };
    if (start) set(start[0], start[1]);
    pm.on("click", function (e) { set(e.latlng.lat, e.latlng.lng); });
    pm.on("gridmap:located", function (e) { set(e.latlng.lat, e.latlng.lng); });
    var gps = document.getElementById("use-gps");
    if (gps && navigator.geolocation) gps.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (p) {
        set(p.coords.latitude, p.coords.longitude);
        pm.setView([p.coords.latitude, p.coords.longitude], 17);
      }, function () { pm.gridmap.message("无法获取当前位置：请允许浏览器定位，或在地图上点选"); });
    });
  }
})();
