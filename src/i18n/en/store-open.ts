// Why the CLI could not open the data store, in words (see ru/store-open.ts).
export const store_open = {
  file_system: '{path}: {reason}',
  in_use: 'the data directory {dir} is in use by process {pid} (a running bot?): stop it or use another DATA_DIR',
  lock_failed: 'could not lock the data directory {dir}',
  journal_damaged:
    'the journal {file} is damaged (byte {offset}), with {count} intact records after the damage; nothing was changed. Stop every Sputnik process on this data directory and run npm run cli -- store repair',
  not_journal: '{file} is not a Sputnik store journal; it was left untouched',
  refused: 'the server refuses connections: MongoDB is not running, or the address or port is wrong',
  no_host: 'no server by that name was found',
  timeout: 'the server did not answer in time',
  auth: 'wrong user name or password',
  duplicate: 'the database has duplicate records where the index {index} requires unique ones',
};
