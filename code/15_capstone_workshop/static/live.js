// The browser half of the live channel: keep a WebSocket open to /live/ws/<poll id> and
// write each poll that arrives into the page's counters.  The page (stage 15.3) carries
// <body data-poll-id="…"> and one <span class="votes" id="votes-<choice id>"> per choice.
//
// body.dataset.live tells a reader (and the browser test) where the channel is:
//   "connecting" -> "open" -> ("closed" -> "connecting" -> "open" ...)
// A closed socket (a deploy restarted the live service, a network blip) is reopened after
// a short wait that doubles each time, up to 5 seconds.

(function () {
  "use strict";

  const pollId = document.body.dataset.pollId;
  if (!pollId) {
    return; // not a poll page
  }

  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const address = scheme + "//" + location.host + "/live/ws/" + pollId;
  const firstWaitMs = 250;
  const longestWaitMs = 5000;
  let waitMs = firstWaitMs;

  function showVotes(poll) {
    for (const choice of poll.choices) {
      const counter = document.getElementById("votes-" + choice.id);
      if (counter !== null) {
        counter.textContent = String(choice.votes);
      }
    }
  }

  function connect() {
    document.body.dataset.live = "connecting";
    const socket = new WebSocket(address);

    socket.addEventListener("open", function () {
      document.body.dataset.live = "open";
      waitMs = firstWaitMs;
    });

    socket.addEventListener("message", function (event) {
      showVotes(JSON.parse(event.data));
    });

    socket.addEventListener("close", function () {
      document.body.dataset.live = "closed";
      setTimeout(connect, waitMs);
      waitMs = Math.min(waitMs * 2, longestWaitMs);
    });
  }

  connect();
})();
