// Permission checks as pure functions (server/src/auth/permissions.ts): folder paths, whole-segment matching,
// roles × grants, the folders an upload writes into. Over real HTTP: permissions-http.test.ts.
import { describe, expect, test } from 'vitest';
import {
  accessTo,
  assertMayContribute,
  canContribute,
  canView,
  effectiveUser,
  folderOf,
  isWithin,
  parseFolder,
  type User,
  uploadFolders,
  viewScopes,
} from '../src/auth/permissions.js';

const admin: User = { id: 'ann', role: 'admin', grants: [] };
const bob: User = {
  id: 'bob',
  role: 'contributor',
  grants: [
    { folder: 'users/42', access: 'can_contribute' },
    { folder: 'team', access: 'can_view' },
    { folder: 'team/bob', access: 'can_contribute' },
    { folder: 'team_a', access: 'can_view' },
  ],
};
const carol: User = { id: 'carol', role: 'contributor', grants: [] };

const codeOf = (run: () => unknown): string => {
  try {
    run();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
};

describe('parseFolder', () => {
  test.each([
    ['', ''],
    ['users', 'users'],
    ['users/42', 'users/42'],
    ['a-b_c/D9', 'a-b_c/D9'],
  ])('accepts %j', (input, folder) => {
    expect(parseFolder(input)).toBe(folder);
  });

  test.each([
    ['a parent step', 'users/42/../43'],
    ['a dot segment', 'users/./42'],
    ['an encoded slash', 'users%2F42'],
    ['an encoded lower-case slash', 'users/42%2f..%2f43'],
    ['a double slash', 'users//42'],
    ['a trailing slash', 'users/42/'],
    ['a leading slash', '/users/42'],
    ['a backslash', 'users\\42'],
    ['a space', 'users/42 '],
    ['a NUL', 'users/42\u0000'],
    ['full-width digits', 'users/４２'],
    ['a dot in a name', 'users/42.x'],
    ['an over-long path', 'a/'.repeat(128)],
    ['a number', 42],
    ['null', null],
  ])('refuses %s with FOLDER_INVALID', (_name, input) => {
    expect(codeOf(() => parseFolder(input))).toBe('FOLDER_INVALID');
  });
});

describe('isWithin: whole path segments', () => {
  test.each([
    ['users/42', 'users/42', true],
    ['users/42/sub', 'users/42', true],
    ['users/42/sub/deeper', 'users/42', true],
    ['users/420', 'users/42', false],
    ['users/4', 'users/42', false],
    ['users', 'users/42', false],
    ['Users/42', 'users/42', false],
    ['users/42-old', 'users/42', false],
    ['users/42_x', 'users/42', false],
    ['teamXa', 'team_a', false],
    ['anything', '', true],
    ['', '', true],
    ['', 'users', false],
  ])('%j within %j → %s', (folder, scope, expected) => {
    expect(isWithin(folder, scope)).toBe(expected);
  });
});

describe('role × folder', () => {
  // [folder, admin, bob, carol] as: C = contribute, V = view only, - = nothing
  const matrix: [folder: string, ann: string, bob: string, carol: string][] = [
    ['', 'C', '-', '-'],
    ['users', 'C', '-', '-'],
    ['users/42', 'C', 'C', '-'],
    ['users/42/sub', 'C', 'C', '-'],
    ['users/420', 'C', '-', '-'],
    ['users/4', 'C', '-', '-'],
    ['Users/42', 'C', '-', '-'],
    ['team', 'C', 'V', '-'],
    ['team/alice', 'C', 'V', '-'],
    ['team/bob', 'C', 'C', '-'],
    ['team/bob/drafts', 'C', 'C', '-'],
    ['team/bobby', 'C', 'V', '-'],
    ['team_a', 'C', 'V', '-'],
    ['teamXa', 'C', '-', '-'],
    ['elsewhere', 'C', '-', '-'],
  ];
  const letter = (user: User, folder: string): string =>
    canContribute(user, folder) ? 'C' : canView(user, folder) ? 'V' : '-';

  test.each(matrix)('%j: admin %s, bob %s, carol %s', (folder, ann, b, c) => {
    expect([letter(admin, folder), letter(bob, folder), letter(carol, folder)]).toEqual([ann, b, c]);
  });

  test('the most generous grant on the way down wins, whatever the order of the grants', () => {
    const reversed: User = { ...bob, grants: [...bob.grants].reverse() };
    for (const [folder] of matrix) expect(accessTo(reversed, folder)).toBe(accessTo(bob, folder));
  });
});

describe('viewScopes', () => {
  test('admins see everything (null); a contributor the folders of its grants, none inside another', () => {
    expect(viewScopes(admin)).toBeNull();
    expect(viewScopes(bob)).toEqual(['team', 'team_a', 'users/42']);
    expect(viewScopes(carol)).toEqual([]);
  });
});

describe('uploadFolders: what an upload writes into', () => {
  test.each([
    [{ folder: '' }, ['']],
    [{ folder: 'users/42' }, ['users/42']],
    [{ folder: '', publicId: 'x' }, ['']],
    [{ folder: '', publicId: 'users/42/x' }, ['users/42']],
    [{ folder: 'users', publicId: '42/x' }, ['users/42']],
    [{ folder: 'users/4', publicId: '2/x' }, ['users/4/2']],
    [{ folder: 'users/42', assetFolder: 'users/43' }, ['users/42', 'users/43']],
    [{ folder: 'users/42', assetFolder: 'users/42' }, ['users/42']],
    [{ folder: 'users/42', assetFolder: '' }, ['users/42']],
    [{ folder: '', publicId: 'users/42.x/y' }, ['users/42.x']],
  ])('%j → %j', (target, folders) => {
    expect(uploadFolders(target)).toEqual(folders);
  });

  test('folderOf is the public ID up to its last slash', () => {
    expect([folderOf('x'), folderOf('a/x'), folderOf('a/b/x.png')]).toEqual(['', 'a', 'a/b']);
  });
});

describe('assertMayContribute', () => {
  test.each([
    ['admin', admin, ['', 'users/420', 'users/42.x'], 'ok'],
    ['bob', bob, ['users/42'], 'ok'],
    ['bob', bob, ['users/42/a', 'team/bob'], 'ok'],
    ['bob', bob, ['users/42', 'users/43'], 'FORBIDDEN_FOLDER'],
    ['bob', bob, [''], 'FORBIDDEN_FOLDER'],
    ['bob', bob, ['team'], 'FORBIDDEN_FOLDER'],
    ['bob', bob, ['users/420'], 'FORBIDDEN_FOLDER'],
    ['bob', bob, ['Users/42'], 'FORBIDDEN_FOLDER'],
    ['bob', bob, ['users/42.x'], 'FOLDER_INVALID'],
    ['bob', bob, ['users/42/../43'], 'FOLDER_INVALID'],
    ['bob', bob, ['users//42'], 'FOLDER_INVALID'],
    ['carol', carol, ['users/42'], 'FORBIDDEN_FOLDER'],
  ])('%s into %j → %s', (_name, user, folders, expected) => {
    expect(codeOf(() => assertMayContribute(user, folders))).toBe(expected);
  });

  test('the refusal names the folder and carries 403', () => {
    expect(() => assertMayContribute(bob, ['users/420'])).toThrow(
      expect.objectContaining({ status: 403, message: expect.stringContaining('"users/420"') }),
    );
  });
});

describe('effectiveUser', () => {
  test("the catalogue's record wins; without one, the identity's role with no grants", () => {
    expect(effectiveUser({ id: 'bob', role: 'admin' }, bob)).toBe(bob);
    expect(effectiveUser({ id: 'dan', role: 'admin' }, null)).toEqual({ id: 'dan', role: 'admin', grants: [] });
    expect(effectiveUser({ id: 'eve', role: 'contributor' }, null)).toEqual({
      id: 'eve',
      role: 'contributor',
      grants: [],
    });
  });
});
