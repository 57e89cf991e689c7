/** The engine's version, in a module of its own so the CLI can print it without loading the engine. */
export const ENGINE_VERSION = '0.1.0';
