/* report_decide.h - the moderator's decisions in the HTML report (issue
 * 15): with JavaScript on, each comment gets Publish and Reject buttons
 * and the thread an "Export decisions" button that downloads the decided
 * comments as JSON Lines, one
 *   {"id":..,"text":..,"decision":"published"|"rejected","label":0|1}
 * per line, which `modscore train --base` reads. Everything is made by the
 * script (its style too), so with JavaScript off the report reads as
 * before. It runs under the report's Content-Security-Policy (inline script
 * and style only; the download is a blob: link, no request). The text is
 * the comment's text as it was read, from the page's JSON block
 * <script type="application/json" id="texts"> (one string per comment, in
 * input order: comment-N is the N-th): the text the page shows has CR
 * dropped and control characters such as U+0085 or a form feed as U+FFFD,
 * so it is not what was decided on. Invalid UTF-8 is U+FFFD in both.
 * Included by report_html.c only. */
#ifndef MS_REPORT_DECIDE_H
#define MS_REPORT_DECIDE_H

static const char decide_js[] =
    "(function(){var t=document.getElementById('thread');if(!t)return;"
    "var cs=t.querySelectorAll('.comment');if(!cs.length)return;"
    "var texts=[];try{texts=JSON.parse(document.getElementById('texts').textContent);}"
    "catch(e){}"
    "function original(c){var k=parseInt(c.id.slice(8),10)-1;"
    "if(k>=0&&k<texts.length&&typeof texts[k]==='string')return texts[k];"
    "var p=c.querySelector('.text');return p?p.textContent:'';}"
    "var st=document.createElement('style');"
    "st.textContent='.decide{display:inline-flex;gap:4px}"
    ".decide button{font:inherit;font-size:12px;line-height:1.6;border:1px solid var(--line);"
    "background:var(--card);color:var(--muted);border-radius:4px;padding:0 8px;cursor:pointer}"
    ".decide button[aria-pressed=true].d-published{background:var(--publish-bg);"
    "color:var(--publish);border-color:currentColor}"
    ".decide button[aria-pressed=true].d-rejected{background:var(--reject-bg);"
    "color:var(--reject);border-color:currentColor}"
    ".decisions{flex-basis:100%;display:flex;align-items:center;gap:10px;"
    "font-size:13px;color:var(--muted);margin:2px 0 4px}"
    ".decisions button{font:inherit;border:1px solid var(--accent);color:var(--accent);"
    "background:var(--card);border-radius:4px;padding:1px 10px;cursor:pointer}"
    ".decisions button:disabled{opacity:.5;cursor:default}"
    "@media print{.decide,.decisions{display:none}}';"
    "document.head.appendChild(st);"
    "var bar=document.createElement('div');bar.className='decisions';bar.id='decisions';"
    "var n=document.createElement('span');n.id='decided';n.setAttribute('aria-live','polite');"
    "var ex=document.createElement('button');ex.type='button';ex.id='export-decisions';"
    "ex.textContent='Export decisions';bar.appendChild(ex);bar.appendChild(n);"
    "t.parentNode.insertBefore(bar,t);"
    "function count(){var k=0,r=0;for(var i=0;i<cs.length;i++){"
    "var d=cs[i].getAttribute('data-decision');if(d){k++;if(d==='rejected')r++;}}"
    "n.textContent=k?k+' of '+cs.length+' decided ('+r+' rejected, '+(k-r)+' published)'"
    ":'Publish or reject comments, then export your decisions for modscore train --base';"
    "ex.disabled=!k;}"
    "function buttons(c){var h=c.querySelector('.head');if(!h)return;"
    "var g=document.createElement('span');g.className='decide';g.setAttribute('role','group');"
    "g.setAttribute('aria-label','Your decision');var bs=[];"
    "[['published','Publish'],['rejected','Reject']].forEach(function(p){"
    "var b=document.createElement('button');b.type='button';b.className='d-'+p[0];"
    "b.setAttribute('data-decision',p[0]);b.setAttribute('aria-pressed','false');"
    "b.textContent=p[1];bs.push(b);g.appendChild(b);"
    "b.addEventListener('click',function(){"
    "var now=c.getAttribute('data-decision')===p[0]?null:p[0];"
    "if(now)c.setAttribute('data-decision',now);else c.removeAttribute('data-decision');"
    "bs.forEach(function(x){x.setAttribute('aria-pressed',"
    "String(x.getAttribute('data-decision')===now));});count();});});"
    "h.insertBefore(g,h.querySelector('.scores'));}"
    "for(var i=0;i<cs.length;i++)buttons(cs[i]);"
    "ex.addEventListener('click',function(){var out='';"
    "for(var i=0;i<cs.length;i++){var c=cs[i],d=c.getAttribute('data-decision');if(!d)continue;"
    "out+=JSON.stringify({id:c.getAttribute('data-id'),"
    "text:original(c),decision:d,label:d==='rejected'?1:0})+'\\n';}"
    "var a=document.createElement('a');"
    "a.href=URL.createObjectURL(new Blob([out],{type:'application/x-ndjson'}));"
    "a.download='decisions.jsonl';document.body.appendChild(a);a.click();"
    "setTimeout(function(){URL.revokeObjectURL(a.href);a.remove();},1000);});"
    "count();})();\n";

#endif
