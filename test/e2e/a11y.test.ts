// Accessibility in the real window: WCAG AA text contrast in every view with sandbox data
// loaded, the contact list as a keyboard listbox with a roving tabindex and a visible focus
// ring, and nothing clipped at 1024×640.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Core } from '../../src/main/core';
import { vendorDefinition } from '../../src/main/core/vendors/registry';
import { startSandboxInWindow, type Harness } from './harness';
import { navTo, openWindow } from './window';

let core: Core;
let h: Harness;
let close: () => Promise<void> = async () => {};
beforeAll(async () => void ({ core, h, close } = await openWindow()));
afterAll(() => close());

const nav = (label: string) => navTo(h, label);

interface LowContrast {
  text: string;
  where: string;
  color: string;
  background: string;
  ratio: number;
  need: number;
}

/** Every visible element with its own text, measured against the background it is painted on. */
function lowContrast(page: Page): Promise<LowContrast[]> {
  return page.evaluate(() => {
    type RGBA = [number, number, number, number];
    const parse = (c: string): RGBA => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 0];
      const p = m[1]!
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
    };
    // a over b, both straight alpha.
    const over = (a: RGBA, b: RGBA): RGBA => {
      const al = a[3] + b[3] * (1 - a[3]);
      if (al === 0) return [0, 0, 0, 0];
      return [0, 1, 2].map((i) => (a[i]! * a[3] + b[i]! * b[3] * (1 - a[3])) / al).concat(al) as RGBA;
    };
    const lum = (c: RGBA) => {
      const ch = c.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * ch[0]! + 0.7152 * ch[1]! + 0.0722 * ch[2]!;
    };
    const opacity = (el: Element) => {
      let o = 1;
      for (let e: Element | null = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
      return o;
    };
    // Layers from the element up to the first opaque one, composited bottom-up on white.
    const background = (el: Element): RGBA => {
      const layers: RGBA[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      return layers.reduceRight<RGBA>((acc, l) => over(l, acc), [255, 255, 255, 1]);
    };
    const describe = (el: Element) => {
      const parts: string[] = [];
      for (let e: Element | null = el; e && parts.length < 3 && e !== document.body; e = e.parentElement) {
        parts.unshift(e.tagName.toLowerCase() + (e.classList.length ? '.' + [...e.classList].join('.') : ''));
      }
      return parts.join(' > ');
    };
    const out: LowContrast[] = [];
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      if (!own || ['SCRIPT', 'STYLE', 'OPTION', 'TITLE'].includes(el.tagName)) continue;
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility !== 'visible') continue;
      if (r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth) continue;
      // Disabled controls are exempt in WCAG 1.4.3.
      if ((el as HTMLButtonElement).disabled || el.closest(':disabled')) continue;
      const bg = background(el);
      const fg = parse(style.color);
      fg[3] *= opacity(el);
      const text = over(fg, bg);
      const [l1, l2] = [lum(text), lum(bg)].sort((a, b) => b - a);
      const ratio = (l1! + 0.05) / (l2! + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const need = large ? 3 : 4.5;
      if (ratio < need)
        out.push({
          text: own.slice(0, 40),
          where: describe(el),
          color: style.color,
          background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`,
          ratio: Math.round(ratio * 100) / 100,
          need,
        });
    }
    return out;
  });
}

const report = (view: string, list: LowContrast[]) =>
  list.map((f) => `${view}: ${f.ratio} < ${f.need} "${f.text}" ${f.where} (${f.color} on ${f.background})`);

describe('accessibility', () => {
  it('loads the sandbox, with a conflict and duplicates to show', async () => {
    await nav('Accounts');
    await startSandboxInWindow(h);
    await h.page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid=accounts] td.num')].every((td) => Number(td.textContent?.replace(/\D/g, '')) > 0),
      null,
      { timeout: 30_000 },
    );
    // A conflict: the same field edited here and, differently, at the vendor.
    const rec = core.store.sqlite
      .prepare(
        "SELECT r.id, r.remote_id AS remoteId FROM records r JOIN accounts a ON a.id = r.account_id WHERE a.kind = 'calltools' ORDER BY r.remote_id LIMIT 1",
      )
      .get() as { id: string; remoteId: string };
    core.edits.edit(rec.id, { familyName: 'Mine' });
    const info = core.sandbox.info()!.vendors.calltools!;
    const def = vendorDefinition('calltools')!;
    const ct = def.create({ baseUrl: info.baseUrl, credentials: def.credentialsSchema.parse(info.credentials) });
    const theirs = await ct.read(rec.remoteId);
    await ct.update(rec.remoteId, { familyName: 'Theirs' }, { raw: theirs.raw, versions: theirs.versions });
    await nav('Sync');
    await h.page.getByTestId('sync-now').click();
    await h.page.waitForFunction(() => document.querySelector('[data-testid=sync-now]')?.textContent === 'Sync now');
    await nav('Duplicates');
    await h.page.getByTestId('scan').click();
    await h.page.getByTestId('cluster').waitFor();
  });

  it('every text in every view meets WCAG AA contrast', async () => {
    const failures: string[] = [];
    const views: [string, () => Promise<void>][] = [
      [
        'Contacts',
        async () => {
          await nav('Contacts');
          await h.page.locator('.contact-name').nth(2).click();
          await h.page.locator('.person-name').waitFor();
        },
      ],
      [
        'Conflicts',
        async () => {
          await nav('Conflicts');
          await h.page.locator('.tw-row[data-field="familyName"]').waitFor();
        },
      ],
      [
        'Duplicates',
        async () => {
          await nav('Duplicates');
          await h.page.getByTestId('cluster').waitFor();
        },
      ],
      [
        'Reconcile',
        async () => {
          await nav('Reconcile');
          await h.page.getByTestId('policies').waitFor();
        },
      ],
      [
        'Sync',
        async () => {
          await nav('Sync');
          await h.page.locator('[data-testid=account-mpdx] .progress').waitFor();
        },
      ],
      [
        'Accounts',
        async () => {
          await nav('Accounts');
          await h.page.locator('[data-testid=accounts] tbody tr').first().waitFor();
        },
      ],
      [
        'Activity',
        async () => {
          await nav('Activity');
          await h.page.locator('[data-testid=journal]').first().waitFor();
        },
      ],
    ];
    for (const [name, open] of views) {
      for (const [w, ht] of [
        [1280, 800],
        [1024, 640],
      ] as const) {
        await h.page.setViewportSize({ width: w, height: ht });
        await open();
        await h.page.mouse.move(0, ht - 1); // no hover colours in the measurement
        failures.push(...report(`${name} ${w}`, await lowContrast(h.page)));
        await h.screenshot(`a11y-${name.toLowerCase()}-${w}`);
      }
    }
    await h.page.setViewportSize({ width: 1280, height: 800 });
    console.log(`contrast: ${failures.length} text elements under AA`);
    expect(failures).toEqual([]);
  });

  it('the contact list is a listbox with one tab stop that follows the selection, and a visible focus ring', async () => {
    const { page } = h;
    await nav('Contacts');
    await page.getByLabel('Search contacts').fill('');
    await page.locator('.contact-name').nth(2).click();
    await page.locator('.person-name').waitFor();
    const list = page.getByRole('listbox', { name: 'Contacts' });
    const state = () =>
      page.evaluate(() => {
        const a = document.activeElement as HTMLElement;
        const stops = [...document.querySelectorAll('[role=option][tabindex="0"]')];
        return {
          focused: a.getAttribute('role') === 'option' ? Number(a.getAttribute('aria-posinset')) : null,
          focusedSelected: a.getAttribute('aria-selected'),
          stops: stops.map((e) => Number(e.getAttribute('aria-posinset'))),
          selected: [...document.querySelectorAll('[role=option][aria-selected=true]')].map((e) => Number(e.getAttribute('aria-posinset'))),
          name: document.querySelector('.person-name')?.textContent,
          rowName: a.querySelector('.contact-name')?.textContent,
        };
      });
    expect(await state()).toMatchObject({ stops: [3], selected: [3] });

    // Tab from the last header control enters the list at the selected row.
    await page.getByLabel('Possible duplicates').focus();
    await page.keyboard.press('Tab');
    expect(await state()).toMatchObject({ focused: 3, focusedSelected: 'true' });

    const settled = async (pos: number) => {
      await page.waitForFunction((p) => {
        const a = document.activeElement;
        return (
          a?.getAttribute('aria-posinset') === String(p) &&
          a.getAttribute('aria-selected') === 'true' &&
          document.querySelector('.person-name')?.textContent === a.querySelector('.contact-name')?.textContent
        );
      }, pos);
      const s = await state();
      expect(s).toMatchObject({ focused: pos, stops: [pos], selected: [pos] });
      expect(s.name).toBe(s.rowName);
    };
    await page.keyboard.press('ArrowDown');
    await settled(4);
    await page.keyboard.press('k');
    await settled(3);
    await page.keyboard.press('j');
    await settled(4);
    await page.keyboard.press('ArrowUp');
    await settled(3);
    const total = Number((await page.getByTestId('result-count').textContent())!.replace(/\D/g, ''));
    await page.keyboard.press('End');
    await settled(total);
    await page.keyboard.press('Home');
    await settled(1);

    // The focus ring is drawn and stands out 3:1 from the selected row it sits on.
    const ring = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement;
      const st = getComputedStyle(a);
      const rgb = (c: string) =>
        c
          .match(/\d+(\.\d+)?/g)!
          .slice(0, 3)
          .map(Number);
      const lum = (c: number[]) => {
        const v = c.map((x) => (x / 255 <= 0.03928 ? x / 255 / 12.92 : ((x / 255 + 0.055) / 1.055) ** 2.4));
        return 0.2126 * v[0]! + 0.7152 * v[1]! + 0.0722 * v[2]!;
      };
      const [l1, l2] = [lum(rgb(st.outlineColor)), lum(rgb(st.backgroundColor))].sort((x, y) => y - x);
      return { style: st.outlineStyle, width: parseFloat(st.outlineWidth), ratio: (l1! + 0.05) / (l2! + 0.05) };
    });
    expect(ring.style).not.toBe('none');
    expect(ring.width).toBeGreaterThanOrEqual(2);
    expect(ring.ratio).toBeGreaterThanOrEqual(3);
    await h.screenshot('a11y-contacts-focus-1280');
    expect(await list.getAttribute('aria-label')).toBe('Contacts');
  });

  it('the duplicates queue is a listbox with one tab stop; arrows, j/k, Home/End move focus and selection', async () => {
    const { page } = h;
    await nav('Duplicates');
    await page.getByTestId('cluster').waitFor();
    // Positions in the whole queue (aria-posinset), not in the few rows the virtual list renders.
    const at = () =>
      page.evaluate(() => {
        const opts = [...document.querySelectorAll('.queue [role=option]')];
        const pos = (o: Element) => Number(o.getAttribute('aria-posinset')) - 1;
        const a = document.activeElement;
        return {
          focused: a && opts.includes(a) ? pos(a) : -1,
          stops: opts.filter((o) => o.getAttribute('tabindex') === '0').map(pos),
          selected: opts.filter((o) => o.getAttribute('aria-selected') === 'true').map(pos),
          total: Number(opts[0]?.getAttribute('aria-setsize')),
        };
      });
    expect(await at()).toMatchObject({ stops: [0], selected: [0] });
    await page.getByRole('listbox', { name: 'Duplicate clusters' }).getByRole('option').first().focus();
    for (const [key, want] of [
      ['ArrowDown', 1],
      ['j', 2],
      ['k', 1],
      ['ArrowUp', 0],
    ] as const) {
      await page.keyboard.press(key);
      await expect.poll(at).toMatchObject({ focused: want, stops: [want], selected: [want] });
    }
    const { total } = await at();
    await page.keyboard.press('End');
    // The far end is rendered once the list has scrolled there (a frame or two).
    await expect.poll(at).toMatchObject({ focused: total - 1, stops: [total - 1], selected: [total - 1] });
    await page.keyboard.press('Home');
    await expect.poll(at).toMatchObject({ focused: 0, stops: [0], selected: [0] });
  });

  it('at 1024×640 nothing is clipped: the status bar, the headers and the side-by-side tables fit', async () => {
    await h.page.setViewportSize({ width: 1024, height: 640 });
    const clipped: string[] = [];
    for (const [view, ready] of [
      ['Contacts', '.compare'],
      ['Conflicts', '.three-way'],
      ['Duplicates', '.cards'],
      ['Reconcile', '[data-testid=policies]'],
      ['Sync', '.account-cards'],
      ['Accounts', 'table.table'],
      ['Activity', '[data-testid=journal]'],
    ] as const) {
      await nav(view);
      await h.page.locator(ready).first().waitFor();
      const over = await h.page.evaluate((sel) => {
        const out: string[] = [];
        for (const el of document.querySelectorAll<HTMLElement>(`.statusbar, .statusbar > *, .secret-text, .view-header, ${sel}`)) {
          if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.className || el.tagName} ${el.scrollWidth} > ${el.clientWidth}`);
        }
        return out;
      }, ready);
      clipped.push(...over.map((o) => `${view}: ${o}`));
    }
    await h.page.setViewportSize({ width: 1280, height: 800 });
    expect(clipped).toEqual([]);
  });
});
