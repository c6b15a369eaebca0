export * from './bearer';
export * from './key-set';
export * from './token-claims';
export * from './token.errors';
export * from './token-signer';
export * from './token-verifier';
export * from './auth.module';
