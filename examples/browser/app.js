// The example page: pick or drop files, one row per file with a progress bar, speed and
// ETA, and pause / resume / cancel. Upload URLs are kept in localStorage (storeUrl), so
// after a reload the same file picked again continues where it stopped.
// Serve it with `node --import tsx examples/browser/serve.ts` (after `npm run build`).
import { TusClient, WebStorageUrlStorage } from '../../dist/index.browser.js';

const MiB = 1024 * 1024;
const storage = new WebStorageUrlStorage();
const endpointInput = document.querySelector('#endpoint');
endpointInput.value =
  new URLSearchParams(location.search).get('endpoint') ?? 'http://127.0.0.1:1080/files';

/** One client per endpoint (it caches what the server offers). */
let client;
let clientEndpoint;
function currentClient() {
  if (client === undefined || clientEndpoint !== endpointInput.value) {
    void client?.close();
    clientEndpoint = endpointInput.value;
    client = new TusClient(clientEndpoint, {
      chunkSize: MiB,
      checksum: true,
      storeUrl: true,
      urlStorage: storage,
    });
  }
  return client;
}

function formatBytes(n) {
  if (n === undefined) return '?';
  if (n < 1024) return `${n} B`;
  if (n < MiB) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * MiB) return `${(n / MiB).toFixed(1)} MiB`;
  return `${(n / 1024 / MiB).toFixed(2)} GiB`;
}

function formatEta(ms) {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s} s left` : `${Math.floor(s / 60)} min ${s % 60} s left`;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A row for `file`: its state lives in `data-state` (uploading, paused, done, failed, cancelled). */
class UploadRow {
  constructor(file) {
    this.file = file;
    this.controller = undefined;
    this.uploadUrl = undefined;
    this.li = element('li', 'upload');
    const top = element('div', 'top');
    this.nameEl = element('span', 'name', file.name);
    const buttons = element('span', 'buttons');
    this.pauseButton = element('button', 'pause', 'Pause');
    this.resumeButton = element('button', 'resume', 'Resume');
    this.cancelButton = element('button', 'cancel', 'Cancel');
    buttons.append(this.pauseButton, this.resumeButton, this.cancelButton);
    top.append(this.nameEl, buttons);
    this.bar = element('progress');
    this.bar.max = file.size || 1;
    this.bar.value = 0;
    const line = element('div', 'line');
    this.bytesEl = element('span', 'bytes', `0 B of ${formatBytes(file.size)}`);
    this.statusEl = element('span', 'status');
    line.append(this.bytesEl, this.statusEl);
    this.li.append(top, this.bar, line);
    this.pauseButton.addEventListener('click', () => this.pause());
    this.resumeButton.addEventListener('click', () => this.start());
    this.cancelButton.addEventListener('click', () => this.cancel());
  }

  setState(state, status) {
    this.li.dataset.state = state;
    this.statusEl.textContent = status;
    this.pauseButton.disabled = state !== 'uploading';
    this.resumeButton.disabled = state !== 'paused' && state !== 'failed';
    this.cancelButton.disabled = state === 'done' || state === 'cancelled';
  }

  showProgress(stats) {
    this.uploadUrl = stats.uploadUrl ?? this.uploadUrl;
    this.startOffset = stats.startOffset;
    this.bar.value = stats.bytesUploaded;
    const speed = stats.bytesPerSecond > 0 ? `${formatBytes(stats.bytesPerSecond)}/s` : '';
    this.bytesEl.textContent = `${formatBytes(stats.bytesUploaded)} of ${formatBytes(stats.totalBytes)}`;
    this.statusEl.textContent = [speed, formatEta(stats.etaMs)].filter(Boolean).join(' · ');
  }

  /** Starts, or resumes: with storeUrl the client finds the stored URL and continues. */
  async start() {
    this.controller = new AbortController();
    this.startOffset = 0;
    this.setState('uploading', 'starting…');
    try {
      const previous = await currentClient().findPreviousUploads({ input: this.file });
      if (previous.length > 0) this.statusEl.textContent = 'resuming…';
      this.uploadUrl = await currentClient().uploadFile({
        input: this.file,
        metadata: { filename: this.file.name, filetype: this.file.type },
        signal: this.controller.signal,
        onProgress: (stats) => this.showProgress(stats),
        onUploadUrlAvailable: (url) => {
          this.uploadUrl = url;
          this.li.dataset.uploadUrl = url;
        },
      });
      this.li.dataset.uploadUrl = this.uploadUrl;
      this.bar.value = this.bar.max;
      this.bytesEl.textContent = `${formatBytes(this.file.size)} of ${formatBytes(this.file.size)}`;
      const resumed = this.startOffset > 0 ? ` · resumed at ${formatBytes(this.startOffset)}` : '';
      this.setState('done', `done${resumed}`);
    } catch (error) {
      if (this.li.dataset.state === 'cancelled') return;
      if (error?.code === 'TUS_ERR_ABORTED') this.setState('paused', 'paused');
      else this.setState('failed', `failed: ${error?.message ?? error}`);
    }
    void refreshStored();
  }

  pause() {
    this.controller?.abort();
  }

  async cancel() {
    const wasRunning = this.li.dataset.state === 'uploading';
    this.setState('cancelled', 'cancelled');
    if (wasRunning) this.controller?.abort();
    if (this.uploadUrl !== undefined) {
      try {
        await currentClient().deleteUpload(this.uploadUrl);
        this.li.dataset.deleted = 'true';
      } catch (error) {
        this.statusEl.textContent = `cancelled; the server kept it: ${error?.message ?? error}`;
      }
    }
    for (const entry of await storage.list()) {
      if (entry.uploadUrl === this.uploadUrl) await storage.remove(entry.fingerprint);
    }
    void refreshStored();
  }
}

function addFiles(files) {
  for (const file of files) {
    const row = new UploadRow(file);
    document.querySelector('#uploads').append(row.li);
    void row.start();
  }
}

/** Lists the unfinished uploads kept in localStorage, with a button to forget each. */
async function refreshStored() {
  const list = document.querySelector('#stored');
  const entries = await storage.list();
  list.replaceChildren();
  for (const entry of entries) {
    const li = element('li', 'stored-entry');
    const name = entry.metadata.filename ?? entry.uploadUrl;
    li.append(`${name} (${formatBytes(entry.size)}, started ${entry.createdAt}) `);
    const forget = element('button', 'forget', 'Forget');
    forget.addEventListener('click', async () => {
      await storage.remove(entry.fingerprint);
      void refreshStored();
    });
    li.append(forget);
    list.append(li);
  }
  document.querySelector('#stored-section').hidden = entries.length === 0;
}

const input = document.querySelector('#files');
input.addEventListener('change', () => {
  addFiles(input.files);
  input.value = '';
});
const drop = document.querySelector('#drop');
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  addFiles(event.dataTransfer.files);
});
void refreshStored();
window.exampleReady = true;
