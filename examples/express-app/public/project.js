// The project page's one script: loads the widget from the app's own chat router and gives it
// the signed-in user's chat token, fetched from the app (the session cookie proves who it is).

import '/api/v1/ai/widget.js';

const chat = document.getElementById('chat');
chat.getToken = async () => {
  const response = await fetch('/session/chat-token', { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`chat token: HTTP ${response.status}`);
  const { token } = await response.json();
  return token;
};
