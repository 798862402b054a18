export { EdgewayError, isEdgewayError } from './edgeway-error.js';
export { type DescribedIssue, describeSchemaIssues, type SchemaIssue } from './schema-issue.js';
