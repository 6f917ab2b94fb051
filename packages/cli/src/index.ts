/** The CLI as a library: run it with arguments and a place to write. */

export { bufferIo, type Io, processIo } from './io.ts';
export { main } from './main.ts';
export { buildProgram } from './program.ts';
