/* GridMap: every map of the platform on one Leaflet base (docs/ui.md, docs/adr: the map library).

   GridMap.create(element, options) → a Leaflet map with
   - the district's own base map when no tile server is configured: street centre lines, building
     footprints from zoom 16, outlines of street offices, communities and (from zoom 14) grids, and
     their names; or the operator's tiles (data-tiles, MAP_TILE_URL) under the same outlines;
   - a scale bar, a legend and a "locate me" button.
   Options may be given as data- attributes on the element:
     data-tiles, data-tile-attribution   tile URL template and its attribution (optional)
     data-basemap-url                     default /registry/basemap.json
     data-center="lng,lat" data-zoom="16" initial view (else the district's extent)
     data-outlines="false"                leave the division outlines out (the page draws its own)
   options.legend: extra legend rows [{label, color, kind: "point"|"line"|"area"}].
   The element gets data-basemap-ready="1" after the first draw (tests wait for it). */
(function () {
  "use strict";
  if (!window.L) return;

  var COLORS = { street: "#ffffff", streetCase: "#c9c2b6", building: "#ddd3c8", buildingLine: "#b8aa9b",
                 level2: "#8e1515", level3: "#1565c0", level4: "#2e7d32" };
  var AREA_STYLE = {
    2: { color: COLORS.level2, weight: 3, opacity: 0.75, dashArray: "8 5", fill: false },
    3: { color: COLORS.level3, weight: 2, opacity: 0.7, fill: false },
    4: { color: COLORS.level4, weight: 1.2, opacity: 0.8, dashArray: "3 3", fill: false }
  };
  // which division names show at which zoom
  function labelShown(level, zoom) {
    if (level === 2) return zoom < 14;
    if (level === 3) return zoom >= 13.5 && zoom <= 16;
    return zoom >= 16;
  }
  function tier(zoom) { return zoom >= 16 ? 3 : zoom >= 14 ? 2 : 1; }

  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }

  function legendControl(extra, hasTiles) {
    var rows = [];
    if (!hasTiles) {
      rows.push({ label: "街巷", kind: "street" });
      rows.push({ label: "楼栋（放大后显示）", kind: "building" });
    }
    rows.push({ label: "街道边界", kind: "line", color: COLORS.level2, dash: true });
    rows.push({ label: "社区边界", kind: "line", color: COLORS.level3 });
    rows.push({ label: "网格边界", kind: "line", color: COLORS.level4, dash: true });
    (extra || []).forEach(function (r) { rows.push(r); });
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("details", "gg-legend leaflet-bar");
      if (window.innerWidth >= 576) box.open = true;
      var html = '<summary>图例</summary><ul>';
      rows.forEach(function (r) {
        var sw = '<span class="gg-swatch gg-swatch-' + esc(r.kind || "area") + (r.dash ? " gg-dash" : "") + '"' +
          (r.color ? ' data-color="' + esc(r.color) + '"' : "") + '></span>';
        html += "<li>" + sw + esc(r.label) + "</li>";
      });
      box.innerHTML = html + "</ul>";
      box.querySelectorAll("[data-color]").forEach(function (s) {
        if (s.classList.contains("gg-swatch-line")) s.style.borderTopColor = s.dataset.color;
        else s.style.backgroundColor = s.dataset.color;
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  }

  function locateControl(map) {
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var bar = L.DomUtil.create("div", "leaflet-bar gg-locate");
      var a = L.DomUtil.create("a", "", bar);
      a.href = "#";
      a.title = "定位到我的位置";
      a.setAttribute("role", "button");
      a.setAttribute("aria-label", "定位到我的位置");
      a.innerHTML = '<i class="ti ti-current-location" aria-hidden="true"></i>';
      L.DomEvent.on(a, "click", function (ev) {
        L.DomEvent.stop(ev);
        map.locate({ setView: true, maxZoom: 17, enableHighAccuracy: true, timeout: 10000 });
      });
      return bar;
    };
    var marker = null;
    map.on("locationfound", function (e) {
      if (marker) marker.setLatLng(e.latlng); else marker = L.circleMarker(e.latlng, { radius: 7, color: "#fff", weight: 2, fillColor: "#1a73e8", fillOpacity: 1 }).addTo(map);
      map.fire("gridmap:located", { latlng: e.latlng });
    });
    map.on("locationerror", function () { message(map, "无法获取当前位置：请允许浏览器定位，或在地图上点选"); });
    return control;
  }

  function message(map, text) {
    var box = map.getContainer().querySelector(".gg-map-msg");
    if (!box) { box = L.DomUtil.create("div", "gg-map-msg", map.getContainer()); box.setAttribute("role", "status"); }
    box.textContent = text;
    clearTimeout(box._t);
    box._t = setTimeout(function () { box.textContent = ""; }, 5000);
  }

  function midpoint(geometry) {
    var line = geometry.type === "MultiLineString" ? geometry.coordinates[0] : geometry.coordinates;
    var p = line[Math.floor(line.length / 2)];
    return p ? [p[1], p[0]] : null;
  }

  function BaseLayer(map, el, hasTiles) {
    this.map = map;
    this.url = el.dataset.basemapUrl || "/registry/basemap.json";
    this.outlines = el.dataset.outlines !== "false";
    this.hasTiles = hasTiles;
    this.loaded = null; // {bounds, tier}
    this.pending = null;
    // panes: the base under the page's overlays (400), names above them, markers (600) on top
    map.createPane("gg-base"); map.getPane("gg-base").style.zIndex = 250;
    map.createPane("gg-outline"); map.getPane("gg-outline").style.zIndex = 390;
    map.createPane("gg-label"); map.getPane("gg-label").style.zIndex = 450;
    var renderer = L.canvas({ padding: 0.3, pane: "gg-base" });
    map.getPane("gg-label").style.pointerEvents = "none";
    this.streetCase = L.geoJSON(null, { pane: "gg-base", renderer: renderer, interactive: false,
      style: { color: COLORS.streetCase, weight: 7, opacity: 1, lineCap: "round" } });
    this.streets = L.geoJSON(null, { pane: "gg-base", renderer: renderer, interactive: false,
      style: { color: COLORS.street, weight: 4.5, opacity: 1, lineCap: "round" } });
    this.buildings = L.geoJSON(null, { pane: "gg-base", renderer: renderer, interactive: false,
      style: { color: COLORS.buildingLine, weight: 0.8, fillColor: COLORS.building, fillOpacity: 1 } });
    this.areas = L.geoJSON(null, { pane: "gg-outline", interactive: false,
      style: function (f) { return AREA_STYLE[f.properties.level] || AREA_STYLE[4]; } });
    this.labels = L.layerGroup();
    if (!hasTiles) { this.streetCase.addTo(map); this.buildings.addTo(map); this.streets.addTo(map); }
    if (this.outlines) this.areas.addTo(map);
    this.labels.addTo(map);
    this.data = null;
  }

  BaseLayer.prototype.refresh = function () {
    var map = this.map, zoom = Math.round(map.getZoom());
    var view = map.getBounds();
    if (this.loaded && this.loaded.tier === tier(zoom) && this.loaded.bounds.contains(view)) {
      this.drawLabels();
      return;
    }
    var wanted = view.pad(0.5);
    var sw = wanted.getSouthWest(), ne = wanted.getNorthEast();
    var span = 1.4;
    if (ne.lng - sw.lng > span || ne.lat - sw.lat > span) { // zoomed out past a district: no base detail
      var c = view.getCenter();
      sw = L.latLng(c.lat - span / 2, c.lng - span / 2); ne = L.latLng(c.lat + span / 2, c.lng + span / 2);
      wanted = L.latLngBounds(sw, ne);
    }
    var bbox = [sw.lng, sw.lat, ne.lng, ne.lat].map(function (v) { return v.toFixed(5); }).join(",");
    if (this.pending) this.pending.abort();
    var ctrl = window.AbortController ? new AbortController() : null;
    this.pending = ctrl;
    var self = this;
    fetch(this.url + "?bbox=" + bbox + "&zoom=" + zoom, { credentials: "same-origin", signal: ctrl ? ctrl.signal : undefined })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        self.pending = null;
        self.loaded = { bounds: wanted, tier: tier(zoom) };
        self.data = data;
        self.draw(data);
        map.getContainer().dataset.basemapReady = "1";
        map.fire("gridmap:drawn", { data: data });
      })
      .catch(function (err) {
        if (err && err.name === "AbortError") return;
        map.getContainer().dataset.basemapReady = "error";
        message(map, "底图数据加载失败");
      });
  };

  BaseLayer.prototype.draw = function (data) {
    if (!this.hasTiles) {
      this.streetCase.clearLayers().addData(data.streets);
      this.streets.clearLayers().addData(data.streets);
      this.buildings.clearLayers().addData(data.buildings);
    }
    this.areas.clearLayers().addData(data.areas);
    this.drawLabels();
  };

  BaseLayer.prototype.drawLabels = function () {
    if (!this.data) return;
    var zoom = Math.round(this.map.getZoom()), group = this.labels, view = this.map.getBounds().pad(0.1);
    group.clearLayers();
    this.data.labels.forEach(function (l) {
      if (!labelShown(l.level, zoom) || !view.contains([l.lat, l.lng])) return;
      group.addLayer(L.marker([l.lat, l.lng], { pane: "gg-label", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "gg-label gg-label-" + l.level, html: "<span>" + esc(l.name) + "</span>", iconSize: null }) }));
    });
    if (zoom >= 16 && !this.hasTiles) {
      var seen = {}, count = 0;
      this.data.streets.features.forEach(function (f) {
        var name = f.properties.name;
        if (!name || seen[name] || count >= 60) return;
        var at = midpoint(f.geometry);
        if (!at || !view.contains(at)) return;
        seen[name] = true; count += 1;
        group.addLayer(L.marker(at, { pane: "gg-label", interactive: false, keyboard: false,
          icon: L.divIcon({ className: "gg-label gg-label-street", html: "<span>" + esc(name) + "</span>", iconSize: null }) }));
      });
    }
  };

  function create(el, options) {
    options = options || {};
    var hasTiles = !!el.dataset.tiles;
    var map = L.map(el, { zoomSnap: 0.5, minZoom: 9, maxZoom: 19, attributionControl: hasTiles && !!el.dataset.tileAttribution });
    el.classList.add("gg-map");
    if (hasTiles) L.tileLayer(el.dataset.tiles, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    else el.classList.add("gg-basemap");
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
    if (navigator.geolocation) locateControl(map).addTo(map);
    legendControl(options.legend, hasTiles).addTo(map);
    var base = new BaseLayer(map, el, hasTiles);
    var refresh = L.Util.throttle ? L.Util.throttle(base.refresh, 250, base) : base.refresh.bind(base);
    map.on("moveend zoomend", function () { refresh(); });
    map.gridmap = { base: base, message: function (t) { message(map, t); } };
    el.ggMap = map; // for the page's own scripts and the browser tests
    if (el.dataset.center) {
      var c = el.dataset.center.split(",").map(parseFloat);
      map.setView([c[1], c[0]], parseFloat(el.dataset.zoom || "16"));
    } else if (options.center) {
      map.setView(options.center, options.zoom || 16);
    } else if (!options.deferView) {
      fetch((el.dataset.basemapUrl || "/registry/basemap.json") + "?extent=1", { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (d) {
          if (map._loaded) return; // the page fitted its own data meanwhile
          if (d.bbox) map.fitBounds([[d.bbox[1], d.bbox[0]], [d.bbox[3], d.bbox[2]]]); else map.setView([29.04, 111.70], 13);
        })
        .catch(function () { if (!map._loaded) map.setView([29.04, 111.70], 13); });
    }
    return map;
  }

  window.GridMap = { create: create, colors: COLORS };
})();
