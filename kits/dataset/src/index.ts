// @coex/kit-dataset: what dataset plugins share, so that every dataset takes the same split options
// and draws its splits the same way from the run seed.
export * from './splits';
export * from './stored';
