/** Types for the `bunny` npm package (the Stanford bunny as a plain indexed triangle mesh). */
declare module 'bunny' {
  const bunny: { positions: number[][]; cells: number[][] };
  export default bunny;
}
