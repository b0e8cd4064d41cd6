// The `list` subcommand every API listing has: its filters, paging (`--limit`, `--cursor`),
// `--json`, and a table of chosen columns.
import { Option, type Command } from 'commander';
import { ControlApiClient } from '@voice-agent/control-api';
import { apiClient, positiveInt, printPage, withApi, type ListPage } from './session.js';

/** A filter option of a listing and the query parameter it fills. */
export interface ListFilter {
  /** Commander flags, e.g. `--lead <id>`. */
  flags: string;
  /** Help text. */
  description: string;
  /** Query parameter the value is sent as, e.g. `lead_id`. */
  param: string;
}

/** What one listing reads and prints. */
export interface Listing {
  /** Help text of the `list` command. */
  description: string;
  /** API path of the collection, e.g. `/api/v1/calls`. */
  path: string;
  /** Filters, in the order they go into the query. */
  filters: ListFilter[];
  /** Row fields printed as table columns, in order. */
  columns: string[];
}

/** Registers `list` under `group`: the filters, then `--limit`, `--cursor` and `--json`. */
export function registerList(group: Command, listing: Listing): void {
  const command = group.command('list').description(listing.description);
  const filters = listing.filters.map((filter) => {
    const option = new Option(filter.flags, filter.description);
    command.addOption(option);

    return { key: option.attributeName(), param: filter.param };
  });

  command
    .option('--limit <n>', 'page size (1-200)', positiveInt, 50)
    .option('--cursor <cursor>', 'the next page from a previous listing')
    .option('--json', 'print JSON ({ items, next_cursor })')
    .action(
      withApi(async function (options: Record<string, string | undefined> & ListPaging) {
        const query = ControlApiClient.query({
          ...Object.fromEntries(filters.map(({ key, param }) => [param, options[key]])),
          limit: options.limit,
          cursor: options.cursor,
        });
        const page = await apiClient().call<ListPage<Record<string, unknown>>>(
          'GET',
          `${listing.path}${query}`,
        );
        printPage(page, listing.columns, options.json);
      }),
    );
}

/** The options every listing has. */
interface ListPaging {
  limit: number;
  cursor?: string;
  json?: boolean;
}
