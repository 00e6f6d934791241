namespace Modal.Worker.Web;

/// <summary>
/// The <c>/docs</c> page of a [WebEndpoint] (<c>Docs = true</c>): one self-contained HTML file whose inline script reads
/// <c>openapi.json</c> and renders each operation with its parameters, request body, responses and a form to try it.
/// Nothing loads from a CDN: containers and the machines that browse them may have no internet.
/// </summary>
internal static class DocsPage
{
    public const string ContentType = "text/html; charset=utf-8";

    public const string Html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>API docs</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1b1b1b; }
          h1 { font-size: 1.6rem; }
          .operation { border: 1px solid #c9d3dd; border-radius: 6px; margin: 1rem 0; padding: 0 1rem 1rem; }
          .operation h2 { font-size: 1.1rem; display: flex; gap: .6rem; align-items: center; }
          .method { font-weight: bold; color: #fff; background: #2f7bbf; border-radius: 4px; padding: .15rem .5rem; text-transform: uppercase; }
          .method.post { background: #3a9b5c; }
          table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
          th, td { text-align: left; border-bottom: 1px solid #e3e8ee; padding: .3rem .5rem; vertical-align: top; }
          code, pre, textarea, input { font-family: ui-monospace, monospace; font-size: .9rem; }
          pre { background: #f4f6f8; padding: .6rem; overflow: auto; white-space: pre-wrap; }
          textarea { width: 100%; min-height: 6rem; }
          .required { color: #b3261e; font-size: .8rem; }
          #error { color: #b3261e; }
        </style>
        </head>
        <body>
        <h1 id="title">API docs</h1>
        <p id="error"></p>
        <main id="operations"></main>
        <script>
        (function () {
          'use strict';
          function el(tag, attrs, children) {
            var node = document.createElement(tag);
            Object.keys(attrs || {}).forEach(function (k) {
              if (k === 'text') { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
            });
            (children || []).forEach(function (c) { node.appendChild(c); });
            return node;
          }
          function typeOf(schema) {
            if (!schema) { return ''; }
            var t = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type || (schema.enum ? 'enum' : 'object'));
            if (schema.format) { t += ' (' + schema.format + ')'; }
            if (schema.enum) { t += ': ' + schema.enum.join(', '); }
            return t;
          }
          function example(schema) {
            if (!schema) { return null; }
            if (schema.default !== undefined) { return schema.default; }
            var t = Array.isArray(schema.type) ? schema.type.filter(function (x) { return x !== 'null'; })[0] : schema.type;
            if (schema.enum) { return schema.enum[0]; }
            if (t === 'object' || schema.properties) {
              var o = {};
              Object.keys(schema.properties || {}).forEach(function (k) { o[k] = example(schema.properties[k]); });
              return o;
            }
            if (t === 'array') { return [example(schema.items)]; }
            if (t === 'integer' || t === 'number') { return 0; }
            if (t === 'boolean') { return false; }
            return 'string';
          }
          function renderOperation(path, method, op) {
            var section = el('section', { 'class': 'operation', id: 'op-' + (op.operationId || method + path) });
            section.appendChild(el('h2', {}, [
              el('span', { 'class': 'method ' + method, text: method.toUpperCase() }),
              el('code', { text: path }),
              el('span', { 'class': 'summary', text: op.summary || '' })
            ]));
            if (op.description) { section.appendChild(el('p', { text: op.description })); }

            var params = op.parameters || [];
            var inputs = {};
            section.appendChild(el('h3', { text: 'Parameters' }));
            if (params.length === 0) {
              section.appendChild(el('p', { text: 'No parameters' }));
            } else {
              var table = el('table', { 'class': 'parameters' }, [el('tr', {}, [
                el('th', { text: 'Name' }), el('th', { text: 'In' }), el('th', { text: 'Type' }), el('th', { text: 'Value' })
              ])]);
              params.forEach(function (p) {
                var input = el('input', { name: p.name, 'data-in': p['in'], placeholder: p.schema && p.schema.default !== undefined ? String(p.schema.default) : '' });
                inputs[p.name] = input;
                var name = el('td', {}, [el('code', { 'class': 'param-name', text: p.name })]);
                if (p.required) { name.appendChild(el('div', { 'class': 'required', text: 'required' })); }
                table.appendChild(el('tr', { 'class': 'param', 'data-name': p.name }, [
                  name, el('td', { text: p['in'] }), el('td', { text: typeOf(p.schema) }), el('td', {}, [input])
                ]));
              });
              section.appendChild(table);
            }

            var body = null;
            if (op.requestBody) {
              var media = (op.requestBody.content || {})['application/json'] || {};
              section.appendChild(el('h3', { text: 'Request body (application/json)' + (op.requestBody.required ? ', required' : '') }));
              section.appendChild(el('pre', { 'class': 'schema', text: JSON.stringify(media.schema || {}, null, 2) }));
              body = el('textarea', { name: 'body', 'aria-label': 'request body' });
              body.value = JSON.stringify(example(media.schema), null, 2);
              section.appendChild(body);
            }

            section.appendChild(el('h3', { text: 'Responses' }));
            var responses = el('table', { 'class': 'responses' }, [el('tr', {}, [el('th', { text: 'Code' }), el('th', { text: 'Description' })])]);
            Object.keys(op.responses || {}).forEach(function (code) {
              responses.appendChild(el('tr', {}, [el('td', { text: code }), el('td', { text: op.responses[code].description || '' })]));
            });
            section.appendChild(responses);

            var output = el('pre', { 'class': 'response', text: '' });
            var button = el('button', { type: 'button', text: 'Try it out' });
            button.addEventListener('click', function () {
              var url = new URL(path.replace(/^\//, ''), new URL('./', location.href));
              Object.keys(inputs).forEach(function (k) { if (inputs[k].value !== '') { url.searchParams.set(k, inputs[k].value); } });
              var init = { method: method.toUpperCase(), headers: {} };
              if (body && body.value.trim() !== '') { init.body = body.value; init.headers['Content-Type'] = 'application/json'; }
              output.textContent = init.method + ' ' + url.pathname + url.search + '\n';
              fetch(url, init).then(function (response) {
                output.textContent += response.status + ' ' + response.statusText + '\n\n';
                var reader = response.body.getReader();
                var decoder = new TextDecoder();
                function pump() {
                  return reader.read().then(function (chunk) {
                    if (chunk.done) { return; }
                    output.textContent += decoder.decode(chunk.value, { stream: true });
                    return pump();
                  });
                }
                return pump();
              }).catch(function (e) { output.textContent += 'failed: ' + e; });
            });
            section.appendChild(el('form', { 'class': 'try' }, [button]));
            section.appendChild(output);
            return section;
          }
          fetch('openapi.json').then(function (r) {
            if (!r.ok) { throw new Error('openapi.json answered ' + r.status); }
            return r.json();
          }).then(function (doc) {
            var title = (doc.info && doc.info.title) || 'API';
            document.title = title + ' - docs';
            document.getElementById('title').textContent = title;
            var main = document.getElementById('operations');
            Object.keys(doc.paths || {}).forEach(function (path) {
              Object.keys(doc.paths[path]).forEach(function (method) {
                main.appendChild(renderOperation(path, method, doc.paths[path][method]));
              });
            });
            document.body.setAttribute('data-rendered', 'true');
          }).catch(function (e) {
            document.getElementById('error').textContent = 'Could not load openapi.json: ' + e.message;
          });
        })();
        </script>
        </body>
        </html>
        """;
}
