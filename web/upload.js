// Drag-and-drop (or choose) documents into the knowledge base: each file goes to POST /api/upload,
// the same loaders and ingest as `gemma-rag ingest`, with its upload progress shown.

/** One file's upload as a promise, reporting the share of bytes sent. */
function send(file, path, category, headers, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    const query = new URLSearchParams({ name: file.name, category });
    request.open('POST', `${path}?${query}`);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.setRequestHeader('content-type', 'application/octet-stream');
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      let body = {};
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // a non-JSON reply is reported by its status below
      }
      if (request.status >= 200 && request.status < 300) resolve(body);
      else reject(new Error(body.error?.message ?? `HTTP ${request.status}`));
    });
    request.addEventListener('error', () => reject(new Error('The upload failed: the server could not be reached.')));
    request.send(file);
  });
}

function outcome(report) {
  if (report.skipped?.length && report.documents === 0) return `skipped: ${report.skipped[0].reason}`;
  const what = report.added ? 'added' : report.updated ? 'updated' : 'unchanged';
  return `${what} · ${report.documents} document${report.documents === 1 ? '' : 's'} · ${report.chunksEmbedded} chunks embedded`;
}

/**
 * Wires the drop zone and the file input. `headers()` gives the auth header, `path()` the
 * chosen knowledge base's upload route; `done()` runs after each batch (to reload the listing).
 */
export function setUpUploads({ zone, input, category, list, element, headers, path, done }) {
  const upload = async (files) => {
    for (const file of files) {
      const bar = element('progress', { max: '1', value: '0', 'aria-label': `Uploading ${file.name}` });
      const status = element('span', { class: 'muted', 'data-testid': 'upload-status' }, 'uploading…');
      list.append(element('li', { 'data-testid': 'upload' }, `${file.name} `, bar, ' ', status));
      try {
        const report = await send(file, path(), category.value.trim() || 'Uploads', headers(), (share) => {
          bar.value = share;
          if (share >= 1) status.textContent = 'reading and embedding…';
        });
        bar.value = 1;
        status.textContent = outcome(report);
      } catch (error) {
        status.textContent = error.message;
        status.classList.add('error');
      }
    }
    await done();
  };
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    void upload([...(event.dataTransfer?.files ?? [])]);
  });
  input.addEventListener('change', () => {
    void upload([...input.files]);
    input.value = '';
  });
}
