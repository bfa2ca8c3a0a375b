// Remembers the browser's time zone so the server shows moments (stage events, activities) in the user's local time.
(function () {
    try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (zone) {
            document.cookie = "leadgate.tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
        }
    } catch (e) {
        // An old browser without Intl: the server's time zone is used.
    }
})();

window.leadgate = {
    copy: function (text) {
        return navigator.clipboard.writeText(text);
    }
};
