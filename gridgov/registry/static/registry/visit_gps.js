// The visit form: fill the hidden lng/lat fields from the device's position, if it gives one.
(function () {
  var s = document.getElementById("gps-status");
  if (!navigator.geolocation) { s.textContent = "设备不支持定位，可直接提交"; return; }
  navigator.geolocation.getCurrentPosition(function (p) {
    document.getElementById("id_lng").value = p.coords.longitude.toFixed(6);
    document.getElementById("id_lat").value = p.coords.latitude.toFixed(6);
    s.textContent = "已定位：" + p.coords.longitude.toFixed(5) + ", " + p.coords.latitude.toFixed(5);
  }, function () { s.textContent = "未能获取位置，可直接提交"; }, {timeout: 8000, maximumAge: 60000});
})();
