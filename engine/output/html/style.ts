// The HTML report's stylesheet (inline: the page loads nothing). Status colours match the console's.
export const STYLE = `
:root{--ok:#2e9d4f;--changed:#d9a400;--failed:#d1343b;--unreachable:#8b0d12;--skipped:#5aa9c9;--unknown:#a55ac9;--ignored:#4a6fd1;--bg:#fff;--fg:#1d2329;--mute:#68737d;--line:#e3e7ea}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{padding:0 24px}header{border-bottom:1px solid var(--line);padding-bottom:8px}
h1{font-size:20px;margin:16px 0 4px;word-break:break-all}h2{font-size:16px;margin:24px 0 8px}h3{font-size:13px;margin:10px 0 4px;color:var(--mute)}
h2 small{font-weight:normal;color:var(--mute)}.meta,.where,.none{color:var(--mute)}nav a{margin-right:10px}
.verdict{font-size:16px;font-weight:600;margin:4px 0}.verdict.good{color:var(--ok)}.verdict.bad{color:var(--failed)}
pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:320px;white-space:pre-wrap;word-break:break-word;margin:4px 0}
table{border-collapse:collapse}.recap th,.recap td{padding:2px 8px;border-bottom:1px solid var(--line);text-align:right}.recap th:first-child{text-align:left}
.recap td.changed{color:var(--changed);font-weight:600}.recap td.failed,.recap td.unreachable{color:var(--failed);font-weight:600}
.recap td.unknown{color:var(--unknown)}.recap td.ignored{color:var(--ignored)}.recap td.skipped{color:var(--skipped)}
tr.host-failed th,tr.host-unreachable th{color:var(--failed)}tr.host-notrun{color:var(--mute)}
.problems{padding-left:18px}.problems li{margin-bottom:8px}.problems li.failed b,.problems li.unreachable b{color:var(--failed)}
.scroll{overflow:auto;max-height:70vh;border:1px solid var(--line)}
.grid{font-size:11px}.grid th{position:sticky;background:#fff;font-weight:normal;padding:1px 4px;white-space:nowrap}
.grid thead th{top:0;z-index:1}.grid tbody th{left:0;text-align:left}
.grid td{width:18px;min-width:18px;height:16px;text-align:center;color:#fff;border:1px solid #fff;padding:0}
td.ok,i.ok{background:var(--ok)}td.changed,i.changed{background:var(--changed)}td.failed,i.failed{background:var(--failed)}
td.unreachable,i.unreachable{background:var(--unreachable)}td.skipped,i.skipped{background:var(--skipped)}
td.unknown,i.unknown{background:var(--unknown)}td.ignored,i.ignored{background:var(--ignored)}td.none{background:#f1f3f5}
.recap td.ok,.recap td.changed,.recap td.failed,.recap td.unreachable,.recap td.skipped,.recap td.unknown,.recap td.ignored{background:none}
.tasks{columns:2;font-size:12px}
.lane{display:flex;align-items:center;height:14px;font-size:11px}.lane>span{width:160px;flex:none;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.track{position:relative;flex:1;height:10px;background:#f1f3f5}.track i{position:absolute;top:0;height:10px;min-width:1px}
.batch{margin-bottom:6px}.diff .add{color:#1a7f37}.diff .del{color:#cf222e}
footer{border-top:1px solid var(--line);margin-top:24px;padding-top:8px;color:var(--mute);font-size:12px}
footer span{padding:0 6px;color:#fff;border-radius:3px}footer .ok{background:var(--ok)}footer .changed{background:var(--changed)}
footer .failed{background:var(--failed)}footer .unreachable{background:var(--unreachable)}footer .ignored{background:var(--ignored)}
footer .unknown{background:var(--unknown)}footer .skipped{background:var(--skipped)}
`;
