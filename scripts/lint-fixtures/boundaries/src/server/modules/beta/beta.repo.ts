export const betaRepo = 1;
