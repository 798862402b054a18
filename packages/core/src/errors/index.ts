export { EdgewayError, isEdgewayError } from './edgeway-error.js';
