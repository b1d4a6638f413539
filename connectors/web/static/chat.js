// The chat page: mounts rasa-webchat on Rasa's socket.io channel and keeps the conversation's
// language in step with the picker. The session id lives in localStorage, so a reload keeps
// the conversation and its history.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("haina-config").textContent);
  var picker = document.getElementById("lang-picker");
  var STORE = "haina.language";

  function sessionId() {
    try {
      var raw = window.localStorage.getItem("chat_session");
      return raw ? JSON.parse(raw).session_id || null : null;
    } catch (e) {
      return null;
    }
  }

  function applyStrings(lang) {
    var s = config.strings[lang];
    document.documentElement.lang = lang;
    document.title = s.title;
    document.getElementById("heading").textContent = s.heading;
    document.getElementById("intro").textContent = s.intro;
    document.getElementById("privacy").textContent = s.privacy;
    document.getElementById("lang-label").textContent = s.language;
  }

  var params = new URLSearchParams(window.location.search);
  var lang = params.get("lang") || window.localStorage.getItem(STORE) || config.language;
  if (!config.strings[lang]) lang = config.language;
  picker.value = lang;
  applyStrings(lang);
  window.localStorage.setItem(STORE, lang);

  picker.addEventListener("change", function () {
    var chosen = picker.value;
    window.localStorage.setItem(STORE, chosen);
    var id = sessionId();
    var reload = function () {
      var url = new URL(window.location.href);
      url.searchParams.set("lang", chosen);
      window.location.assign(url.toString());
    };
    if (!id) return reload();
    fetch("/api/language", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session_id: id, language: chosen })
    }).then(reload, reload);
  });

  var s = config.strings[lang];
  window.WebChat.default({
    selector: "#webchat",
    embedded: true,
    showFullScreenButton: false,
    socketUrl: config.socketUrl,
    socketPath: "/socket.io/",
    customData: { language: lang },
    title: s.widget_title,
    subtitle: s.widget_subtitle,
    inputTextFieldHint: s.placeholder,
    // A new conversation opens with the greeting in the page's language (the widget's default,
    // "/get_started", is no intent of ours and was answered with "Sorry, I didn't understand").
    initPayload: "/greet" + JSON.stringify({ language: lang }),
    params: { storage: "local" },
    customMessageDelay: function () { return 0; }
  }, document.getElementById("webchat"));
})();
