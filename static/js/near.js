// "Use my location" on the nearby-meetups page: shown only where the browser can locate.
(function () {
  var button = document.getElementById("use-location");
  if (!button || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    button.textContent = "Finding you…";
    navigator.geolocation.getCurrentPosition(function (position) {
      var radius = document.getElementById("id_radius_km").value || button.dataset.defaultRadius;
      window.location = button.dataset.nearUrl + "?lat=" + position.coords.latitude.toFixed(4) + "&lon=" +
        position.coords.longitude.toFixed(4) + "&radius_km=" + encodeURIComponent(radius);
    }, function () { button.textContent = "Location not available"; });
  });
})();
