import { decideCommand } from './decide.js';

export const command = decideCommand('approve');
