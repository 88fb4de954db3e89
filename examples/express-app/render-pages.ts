// The existing app's HTML pages: login, the user's projects, and a project page with the chat.

import type { AppProject, AppUser } from './app-database.ts';

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function layout(title: string, body: string, user?: AppUser): string {
  const account = user
    ? `<form method="post" action="/logout" class="account">
        <span>Signed in as <strong>${escapeHtml(user.displayName)}</strong></span>
        <button type="submit">Sign out</button>
      </form>`
    : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)} · Example Schema Studio</title>
    <link rel="stylesheet" href="/app.css" />
  </head>
  <body>
    <header><a href="/projects" class="brand">Example Schema Studio</a>${account}</header>
    <main>${body}</main>
  </body>
</html>
`;
}

/** The sign-in form, with the example's logins listed and an optional error. */
export function renderLoginPage(
  logins: ReadonlyArray<{ username: string; password: string }>,
  error?: string,
): string {
  const hints = logins
    .map(
      (login) =>
        `<li><code>${escapeHtml(login.username)}</code> / <code>${escapeHtml(login.password)}</code></li>`,
    )
    .join('');
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
    ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
    <form method="post" action="/login" class="login">
      <label>Username <input name="username" autocomplete="username" required /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      <button type="submit">Sign in</button>
    </form>
    <p class="hint">Example logins:</p>
    <ul class="hint">${hints}</ul>`,
  );
}

/** The signed-in user's projects. */
export function renderProjectsPage(user: AppUser, projects: AppProject[]): string {
  const items = projects
    .map(
      (project) =>
        `<li><a href="/projects/${encodeURIComponent(project.id)}">${escapeHtml(project.name)}</a></li>`,
    )
    .join('');
  return layout(
    'Projects',
    `<h1>Your projects</h1><ul class="projects">${items || '<li>No projects yet.</li>'}</ul>`,
    user,
  );
}

/** A project: its schema, and the schema assistant mounted from the same app. */
export function renderProjectPage(user: AppUser, project: AppProject, apiPath: string): string {
  const schema =
    typeof project.schema === 'string' ? project.schema : JSON.stringify(project.schema, null, 2);
  return layout(
    project.name,
    `<h1>${escapeHtml(project.name)}</h1>
    <div class="project">
      <section aria-label="Schema"><pre><code>${escapeHtml(schema)}</code></pre></section>
      <schema-chat id="chat" api-url="${escapeHtml(apiPath)}" project-id="${escapeHtml(project.id)}" theme="light"></schema-chat>
    </div>
    <script type="module" src="/project.js"></script>`,
    user,
  );
}
