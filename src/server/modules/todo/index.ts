/** The todo module's public surface: nothing; other modules contribute through their manifests' `todo`. */
export {};
