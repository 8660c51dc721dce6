import { escapeHtml } from './html';

describe('escapeHtml', () => {
  it('escapes the characters that could open a tag or leave an attribute', () => {
    expect(escapeHtml(`Tom & Jerry <script>alert("x")</script> 'ok'`)).toBe(
      'Tom &amp; Jerry &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39;ok&#39;',
    );
  });
});
