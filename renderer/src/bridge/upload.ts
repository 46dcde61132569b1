// Browser mode: a dropped File goes to the host's POST /upload and comes back as an upload FileRef.
import type { FileRef } from '../../../shared/api.ts';
import { BridgeError, toBridgeError } from './errors.ts';

const UPLOAD_FAILED = { code: 'upload_failed', message: 'The file could not be sent to Augur. Please drop it again.' };

interface UploadReply {
  uploadId?: string;
  error?: { code: string; message: string };
}

function fromReply(status: number, text: string, name: string): FileRef {
  let body: UploadReply = {};
  try {
    body = JSON.parse(text) as UploadReply;
  } catch {
    /* not JSON: handled below */
  }
  if (status === 200 && typeof body.uploadId === 'string') return { kind: 'upload', uploadId: body.uploadId, name };
  throw body.error ? toBridgeError(body.error) : new BridgeError(UPLOAD_FAILED);
}

/** Uploads `file` to `${baseUrl}/upload`; `onProgress` gets 0..1 where the browser reports it (XHR). */
export function uploadFile(baseUrl: string, file: File, onProgress?: (fraction: number) => void): Promise<FileRef> {
  const url = baseUrl.replace(/\/$/, '') + '/upload';
  const headers = { 'X-Augur-File-Name': encodeURIComponent(file.name), 'Content-Type': 'application/octet-stream' };
  if (typeof XMLHttpRequest === 'undefined') {
    // No XHR (tests in Node): fetch works the same, without upload progress.
    return fetch(url, { method: 'POST', headers, body: file }).then(
      async (res) => fromReply(res.status, await res.text(), file.name),
      () => {
        throw new BridgeError(UPLOAD_FAILED);
      },
    );
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    if (onProgress) xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      try {
        resolve(fromReply(xhr.status, xhr.responseText, file.name));
      } catch (err) {
        reject(err);
      }
    };
    xhr.onerror = () => reject(new BridgeError(UPLOAD_FAILED));
    xhr.onabort = () => reject(new BridgeError(UPLOAD_FAILED));
    xhr.send(file);
  });
}
