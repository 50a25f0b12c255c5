export { demoCommand } from '../demo/demo.js';
