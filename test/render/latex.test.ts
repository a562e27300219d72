import { checkTex, classifyBlock, describeKatexError, findMath, isSimpleMath, nestingDepth } from '../../src/render/latex';

describe('findMath', () => {
  test('finds every delimiter kind', () => {
    const segs = findMath('a $x^2$ b $$\\frac12$$ c \\(y\\) d \\[z\\] e \\boxed{5} f');
    expect(segs.filter((s) => s.kind === 'math')).toEqual([
      { kind: 'math', tex: 'x^2', display: false, source: '$x^2$' },
      { kind: 'math', tex: '\\frac12', display: true, source: '$$\\frac12$$' },
      { kind: 'math', tex: 'y', display: false, source: '\\(y\\)' },
      { kind: 'math', tex: 'z', display: true, source: '\\[z\\]' },
      { kind: 'math', tex: '\\boxed{5}', display: false, source: '\\boxed{5}' },
    ]);
  });
  test('escaped and unclosed dollars stay text', () => {
    expect(findMath('costs \\$5 and $3')).toEqual([{ kind: 'text', text: 'costs $5 and $3' }]);
  });
  test('bare align environments and [asy] diagrams', () => {
    const segs = findMath('so\n\\begin{align*}\na &= b\\\\\nc &= d\n\\end{align*}\n[asy]\ndraw((0,0)--(1,1));\n[/asy] done');
    expect(segs.map((s) => s.kind)).toEqual(['text', 'math', 'text', 'diagram', 'text']);
  });
  test('text without math stays text; trivial math stays text; real math becomes one image', () => {
    expect(classifyBlock('a', 'Define the sides.').mode).toBe('text');
    expect(classifyBlock('a', 'So $x = 3$ and $y = 4$.').mode).toBe('text');
    const b = classifyBlock('a', 'So $x^2 = 9$ and $\\frac{1}{2}$ and $\\sqrt 2$.');
    expect(b.mode).toBe('image');
    expect(b.segments.filter((s) => s.kind === 'math')).toHaveLength(3);
    expect(isSimpleMath('(2, 3)')).toBe(true);
    expect(isSimpleMath('x^2')).toBe(false);
  });
});

describe('hostile LaTeX is refused with a clear message', () => {
  const refuse = (tex: string) => {
    const c = checkTex(tex, false);
    expect(c.ok).toBe(false);
    return c.ok ? '' : c.reason;
  };
  test('\\href to javascript', () => {
    expect(refuse('\\href{javascript:alert(1)}{click}')).toMatch(/\\href is not allowed/);
    expect(refuse('\\url{javascript:alert(1)}')).toMatch(/\\url is not allowed/);
    expect(refuse('\\htmlClass{x}{y}')).toMatch(/not allowed/);
  });
  test('recursive \\def', () => {
    expect(refuse('\\def\\a{\\a}\\a')).toMatch(/macro expansion limit/);
    expect(refuse('\\def\\a{\\a\\a}\\a')).toMatch(/macro expansion limit/);
  });
  test('huge \\rule and \\kern', () => {
    expect(refuse('\\rule{100000em}{1em}')).toMatch(/100000em is too large/);
    expect(refuse('\\rule{1em}{5000pt}')).toMatch(/too large/);
    expect(refuse('a\\kern{300em}b')).toMatch(/too large/);
    expect(checkTex('\\rule{2em}{1em}', false).ok).toBe(true);
  });
  test('2,000 nested braces (checked before KaTeX, which would throw a RangeError deeper)', () => {
    const deep = '{'.repeat(2000) + 'x' + '}'.repeat(2000);
    expect(nestingDepth(deep)).toBe(2000);
    expect(refuse(deep)).toMatch(/nested too deeply/);
    const t = Date.now();
    refuse('{'.repeat(20000) + 'x' + '}'.repeat(20000));
    expect(Date.now() - t).toBeLessThan(500);
    expect(describeKatexError(new RangeError('Maximum call stack size exceeded'))).toBe('formula nested too deeply to typeset');
  });
  test('50 KB input', () => {
    const big = 'x+'.repeat(25_000);
    expect(refuse(big)).toMatch(/formula too long \(50,000 characters/);
    const block = classifyBlock('b', `Text ${'$x^2$ and '.repeat(6_000)}`);
    expect(block.mode).toBe('refused');
    expect(block.refusals[0]).toMatch(/text too long to typeset/);
  });
  test('syntax errors are caught and described', () => {
    expect(refuse('\\frac{1}{')).toMatch(/^LaTeX error: /);
    expect(refuse('\\undefinedcommand')).toMatch(/LaTeX error: Undefined control sequence/);
  });
  test('a block with one hostile formula is refused as a whole, with reasons', () => {
    const b = classifyBlock('s', 'ok $x^2$ but $\\href{javascript:x}{y}$');
    expect(b.mode).toBe('refused');
    expect(b.refusals).toEqual(['\\href is not allowed (links, HTML and external files are disabled): $\\href{javascript:x}{y}$']);
  });
});
