/**
 * A storage item with a version and a schema, on top of WXT's `storage.defineItem` (which
 * runs the migrations and keeps the version in the item's metadata).
 *
 * Reading never throws: a value that does not match the schema after its migrations
 * (junk, another version's format, a migration that threw) is removed and the fallback is
 * returned; so is the fallback when storage itself cannot be read (then nothing is
 * removed). Either way a `storage-reset` problem is recorded for the caller to show, once
 * per item, with `takeStorageProblems()`.
 *
 * Writing checks the value against the schema and throws when it does not match: that is
 * a bug in the caller, not something a user can fix, and nothing invalid reaches disk.
 */
import * as v from 'valibot';
import { storage, type StorageItemKey } from 'wxt/utils/storage';
import { userError, type UserError } from '../shared/errors.ts';

export type { StorageItemKey } from 'wxt/utils/storage';

/**
 * A migration to one version: takes the value as the version before stored it. (`never`:
 * a migration may declare whatever type it expects its input to have, `unknown` included.)
 */
export type Migration = (old: never) => unknown;

export interface VersionedItemOptions<T> {
  /** "area:name", e.g. 'local:settings'. */
  key: StorageItemKey;
  /** The current version (1 for an item that was never migrated). */
  version: number;
  /** The schema of the current version; every value read or written is checked with it. */
  schema: v.GenericSchema<unknown, T>;
  /** Returned (as a copy) when nothing is stored or what is stored cannot be used. */
  fallback: T;
  /**
   * `migrations[n]` turns a version n-1 value into a version n value. A value stored
   * without a version is version 1. Returning null or undefined keeps the value as it was.
   */
  migrations?: Record<number, Migration>;
  /**
   * Whether an unusable value is reported to the user (takeStorageProblems). Default true;
   * false for scratch data the user never saw (a hand-off in flight), where a notice would
   * only confuse.
   */
  reportProblems?: boolean;
}

export interface VersionedItem<T> {
  readonly key: StorageItemKey;
  /** The stored value, migrated and checked; the fallback when there is none or it is unusable. Never throws. */
  getValue(): Promise<T>;
  /**
   * As getValue, for a read-change-write: throws when storage cannot be read, so the
   * change is not made to the fallback and written over what is really stored.
   */
  getValueToUpdate(): Promise<T>;
  /** Throws when the value does not match the schema (a programmer error) or storage cannot be written. */
  setValue(value: T): Promise<void>;
  removeValue(): Promise<void>;
  /** Calls back when any context (another panel, the background) changes the stored value. Returns the unwatch. */
  watch(callback: () => void): () => void;
}

const problems = new Map<string, UserError>();

/** The items that could not be read since the last call, one problem each; clears them. */
export function takeStorageProblems(): UserError[] {
  const taken = [...problems.values()];
  problems.clear();
  return taken;
}

/** 'local:settings' → 'settings': the item's name as the user may be told it. */
function itemName(key: StorageItemKey): string {
  return key.slice(key.indexOf(':') + 1);
}

function recordProblem(key: StorageItemKey): void {
  const item = itemName(key);
  if (!problems.has(item)) problems.set(item, userError('storage-reset', { params: { item } }));
}

function issuesOf(result: v.SafeParseResult<v.GenericSchema>): string {
  return result.issues ? v.summarize(result.issues) : '';
}

export function defineVersionedItem<T>(options: VersionedItemOptions<T>): VersionedItem<T> {
  const { key, version, schema, fallback } = options;
  const report = options.reportProblems ?? true;
  if (!Number.isInteger(version) || version < 1) throw new Error(`${key}: version must be an integer of at least 1, not ${version}`);
  for (const target of Object.keys(options.migrations ?? {})) {
    const n = Number(target);
    if (!Number.isInteger(n) || n < 2 || n > version)
      throw new Error(`${key}: a migration to version ${target} cannot exist at version ${version}`);
  }
  const fallbackCheck = v.safeParse(schema, fallback);
  if (!fallbackCheck.success) throw new Error(`${key}: the fallback does not match the schema: ${issuesOf(fallbackCheck)}`);

  /** Set when a migration threw: the value left in storage is of an older version. */
  let migrationFailed = false;
  const migrations: Record<number, (old: unknown) => Promise<unknown>> = {};
  for (const [target, migrate] of Object.entries(options.migrations ?? {})) {
    migrations[Number(target)] = async (old: unknown) => {
      try {
        return await migrate(old as never);
      } catch (error) {
        migrationFailed = true;
        throw error;
      }
    };
  }

  // WXT runs the migrations once, when the item is defined (so define items at a module's
  // top level, as WXT intends). They are always passed, so that the version is stamped on
  // the first write and a downgrade is detected.
  const item = storage.defineItem<unknown, { v?: number }>(key, { version, migrations });
  /** Whether this context has made sure the metadata carries the current version. */
  let stamped = false;

  const copyOfFallback = (): T => structuredClone(fallback);

  /** Removes an unusable value; the version stays, so whatever is written next is read as current. */
  const reset = async (): Promise<void> => {
    try {
      await item.removeValue();
      await item.setMeta({ v: version });
      stamped = true;
    } catch {
      // Storage cannot be written either: the fallback is all there is.
    }
  };

  async function read(throwIfUnreadable: boolean): Promise<T> {
    let raw: unknown;
    try {
      raw = await item.getValue();
    } catch (cause) {
      if (throwIfUnreadable) throw cause;
      if (report) recordProblem(key);
      return copyOfFallback();
    }
    if (!migrationFailed) {
      if (raw === null || raw === undefined) return copyOfFallback();
      const result = v.safeParse(schema, raw);
      if (result.success) return result.output;
    }
    // One more go before giving up: the start-up migration may have failed, or not have
    // run at all because storage could not be read then.
    migrationFailed = false;
    try {
      await item.migrate();
      raw = await item.getValue();
      if (raw === null || raw === undefined) return copyOfFallback();
      const result = v.safeParse(schema, raw);
      if (result.success) return result.output;
    } catch {
      // The migration failed again, or storage went away: reset below.
    }
    await reset();
    if (report) recordProblem(key);
    return copyOfFallback();
  }

  return {
    key,
    getValue: () => read(false),
    getValueToUpdate: () => read(true),

    async setValue(value: T) {
      const result = v.safeParse(schema, value);
      if (!result.success) throw new Error(`Refused to store an invalid value in ${key}: ${issuesOf(result)}`);
      await item.setValue(result.output);
      if (!stamped) {
        // WXT stamps the version only on an item's first write; a reset or an accepted
        // value of another version leaves it to us.
        await item.setMeta({ v: version });
        stamped = true;
      }
    },

    async removeValue() {
      await item.removeValue();
    },
    watch(callback) {
      return item.watch(() => callback());
    },
  };
}
