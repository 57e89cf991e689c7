/**
 * The one bridge between the sandboxed renderer and the engine: window.strata = { send, onMessage }.
 * Frames are strings (JSON text of the contract) and travel over a MessagePort that main hands
 * us on PORT_CHANNEL; the other end lives in the engine utility process, so no frame passes
 * through the main process. ipcRenderer itself is never exposed.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.ts';
import { PORT_CHANNEL } from './messages.ts';

const bridge = createBridge();

ipcRenderer.on(PORT_CHANNEL, (event) => {
  const port = event.ports[0];
  if (port) bridge.attachPort(port);
});

contextBridge.exposeInMainWorld('strata', {
  send: (frame: string) => bridge.api.send(frame),
  onMessage: (listener: (frame: string) => void) => bridge.api.onMessage(listener),
});
