/**
 * A host page for trying a form out (WEBFORM_DEMO_PAGE=true): a plain shop page whose CSS is
 * deliberately hostile to embedded widgets, so what you see is what a real site would get.
 */
export function demoPage(formKey: string): string {
  const key = formKey.replace(/[^a-z0-9-]/g, '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo shop — Switchboard web form</title>
<style>
  /* Rules a careless site might have; none of them may reach the widget. */
  * { font-family: "Comic Sans MS", cursive !important; color: #8b0000 !important; box-sizing: content-box !important; }
  div, form, label, input, textarea, select { width: 37px !important; margin: 17px !important; font-size: 31px !important; }
  button { display: none !important; }
  input, textarea { background: #ff0 !important; border: 5px dashed lime !important; }
  [role="dialog"], dialog { display: none !important; }
  body { background: #f3efe6; padding: 2em; line-height: 1.5; }
  main { max-width: 40em; }
</style>
</head>
<body>
<main>
  <h1>Demo shop</h1>
  <p>This page embeds the Switchboard web form "${key}" with the snippet below. Its own CSS tries hard to break
  embedded widgets; the form in the corner is unaffected. Send a request, then find it as a ticket in Switchboard.</p>
  <pre>&lt;script src="/widget.js" data-form="${key}" async&gt;&lt;/script&gt;</pre>
</main>
<script src="/widget.js" data-form="${key}" async></script>
</body>
</html>
`;
}
