/** `nimbus dashboard`: serves the web dashboard of the home until Ctrl-C. */
import { DEFAULT_DASHBOARD_HOST, DEFAULT_DASHBOARD_PORT } from '../../dashboard/dashboard-options.js';
import { startDashboard } from '../../dashboard/server.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { integerOption, stringOption } from '../operands.js';

const TOKEN_VARIABLE = 'NIMBUS_DASHBOARD_TOKEN';

export const dashboardCommand: Command = {
  name: 'dashboard',
  operands: '',
  arity: { min: 0, max: 0 },
  summary: 'serve the web dashboard: jobs, their output, files, live load',
  description:
    `Serves the dashboard of the home until Ctrl-C and prints its address. It listens on ` +
    `${DEFAULT_DASHBOARD_HOST} unless --host says otherwise; any other address needs a token ` +
    `(--token, or ${TOKEN_VARIABLE} to keep it out of the process list), which every request must carry.`,
  options: {
    port: { type: 'string', value: 'n', description: `the port (default ${DEFAULT_DASHBOARD_PORT}; 0: any free port)` },
    host: { type: 'string', value: 'address', description: `the address to listen on (default ${DEFAULT_DASHBOARD_HOST})` },
    token: { type: 'string', value: 'secret', description: `the token requests must carry, 16 characters or more (default $${TOKEN_VARIABLE})` },
  },
  async run(context) {
    const dashboard = await startDashboard(context.cloud, {
      port: integerOption(context.values, 'port', 0),
      host: stringOption(context.values, 'host'),
      token: stringOption(context.values, 'token') ?? context.env[TOKEN_VARIABLE],
    });
    try {
      if (context.json) context.printJson({ url: dashboard.url });
      else context.print(dashboard.url);
      context.warn(`nimbus: the dashboard of ${context.home} is up; Ctrl-C stops it`);
      await context.untilStopped();
    } finally {
      await dashboard.close();
    }
    return EXIT.ok;
  },
};
