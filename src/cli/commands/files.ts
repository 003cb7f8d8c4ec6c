/**
 * `nimbus files ls|put|get|rm|md5`: the file store of the home (cloud.files), from the shell. Each
 * is a command of its own, under the `files` group.
 */
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { renderTable } from '../table.js';

const ls: Command = {
  name: 'files ls',
  operands: '[prefix]',
  arity: { min: 0, max: 1 },
  summary: 'list the stored files (those whose name starts with prefix)',
  description: 'Prints the names of the stored files, sorted, one a line.',
  options: {},
  async run(context) {
    const names = await context.cloud.files.list(context.positionals[0]);
    if (context.json) context.printJson(names);
    else if (names.length > 0) context.print(names.join('\n'));
    return EXIT.ok;
  },
};

const put: Command = {
  name: 'files put',
  operands: '<path> [name]',
  arity: { min: 1, max: 2 },
  summary: 'store a local file (as name; default its base name)',
  description: 'Stores the local file at path under name (default: the base name of path), replacing ' + 'what was stored under that name. Prints nothing.',
  options: {},
  createsHome: true,
  async run(context) {
    const [path, name] = context.positionals;
    await context.cloud.files.put(path!, name);
    return EXIT.ok;
  },
};

const get: Command = {
  name: 'files get',
  operands: '<name> [path]',
  arity: { min: 1, max: 2 },
  summary: 'write a stored file to a local path (default its base name here)',
  description: 'Writes the stored file name to the local path (default: the base name of name, in the ' + 'working directory). Prints nothing.',
  options: {},
  async run(context) {
    const [name, path] = context.positionals;
    await context.cloud.files.get(name!, path);
    return EXIT.ok;
  },
};

const rm: Command = {
  name: 'files rm',
  operands: '<name...>',
  arity: { min: 1 },
  summary: 'remove stored files',
  description: 'Removes each stored file. A name that is not stored is told on stderr, and the exit code is then 2.',
  options: {},
  async run(context) {
    let missing = false;
    for (const name of context.positionals) {
      if (await context.cloud.files.delete(name)) continue;
      context.warn(`nimbus: no file named '${name}'`);
      missing = true;
    }
    return missing ? EXIT.usage : EXIT.ok;
  },
};

const md5: Command = {
  name: 'files md5',
  operands: '<name...>',
  arity: { min: 1 },
  summary: 'the MD5 of stored files',
  description: 'Prints the hex MD5 of each stored file and its name, as md5sum does.',
  options: {},
  async run(context) {
    const sums: { name: string; md5: string }[] = [];
    for (const name of context.positionals) sums.push({ name, md5: await context.cloud.files.md5(name) });
    if (context.json) context.printJson(sums);
    else context.print(renderTable(sums.map((sum) => [sum.md5, sum.name])));
    return EXIT.ok;
  },
};

export const FILES_COMMANDS: readonly Command[] = [ls, put, get, rm, md5];
