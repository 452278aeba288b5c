// Check in / out at the home: fill the form's hidden lng/lat from the phone's position when the
// browser gives it (the worker may still submit without it; the time is always recorded).
(function () {
  "use strict";
  document.querySelectorAll("form[data-geo-form]").forEach(function (form) {
    var status = form.querySelector("[data-geo-status]");
    if (!("geolocation" in navigator)) {
      return;
    }
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("[data-geo=lng]").value = pos.coords.longitude.toFixed(6);
      form.querySelector("[data-geo=lat]").value = pos.coords.latitude.toFixed(6);
      if (status) {
        status.textContent = "已获取位置（精度约 " + Math.round(pos.coords.accuracy) + " 米）";
      }
    }, function () {
      if (status) {
        status.textContent = "未能获取位置，将只记录时间";
      }
    }, {enableHighAccuracy: true, timeout: 10000, maximumAge: 60000});
  });
})();
