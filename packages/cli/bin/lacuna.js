#!/usr/bin/env node
// The `lacuna` command. Lacuna's packages are TypeScript run through tsx, so no build step
// sits between a clone and a working command.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
