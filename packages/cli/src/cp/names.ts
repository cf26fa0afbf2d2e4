/** The contract's space-name rule (the shared schemas hold the same; importing them would load zod at start). */
export const SPACE_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/;
