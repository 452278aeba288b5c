// The partition proposal map: proposed grids coloured, live grids dashed (data from json_script).
(function () {
  // tooltips are text nodes, never HTML strings (Leaflet puts strings in innerHTML)
  function text(s) { var span = document.createElement("span"); span.textContent = String(s); return span; }
  var data = JSON.parse(document.getElementById("proposal-map-data").textContent);
  var map = L.map("proposal-map", {attributionControl: false});
  var palette = ["#e57373", "#64b5f6", "#81c784", "#ffb74d", "#ba68c8", "#4db6ac", "#f06292", "#aed581", "#7986cb", "#ffd54f"];
  var proposed = L.geoJSON(data.proposed, {
    style: function (f) { var i = parseInt(f.properties.code.slice(-3), 10) || 0;
      return {color: "#333", weight: 1, fillColor: palette[i % palette.length], fillOpacity: 0.45}; },
    onEachFeature: function (f, l) { l.bindTooltip(text(f.properties.code + "：" + f.properties.households + " 户")); }
  });
  var current = L.geoJSON(data.current, {
    style: {color: "#c62828", weight: 2, dashArray: "6 4", fill: false},
    onEachFeature: function (f, l) { l.bindTooltip(text("现行 " + (f.properties.name || f.properties.code) + "：" + f.properties.households + " 户")); }
  });
  proposed.addTo(map); current.addTo(map);
  L.control.layers(null, {"方案网格": proposed, "现行网格": current}, {collapsed: false}).addTo(map);
  var b = proposed.getBounds();
  if (current.getLayers().length) b = b.isValid() ? b.extend(current.getBounds()) : current.getBounds();
  if (b.isValid()) map.fitBounds(b, {padding: [10, 10]}); else map.setView([29.04, 111.7], 13);
  document.getElementById("proposal-map").dataset.ready = "1";
})();
