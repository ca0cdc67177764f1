// Stands in for Electron's utilityProcess in a plain Node child: process.parentPort over
// Node's IPC channel, with the same {data} message envelope Electron uses.
const listeners = [];
process.parentPort = {
  on: (event, fn) => event === 'message' && listeners.push(fn),
  postMessage: (m) => process.send(m),
};
process.on('message', (data) => listeners.forEach((fn) => fn({ data })));
