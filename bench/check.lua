-- check.lua - wrk script for bench/serve_load.sh: POST /v1/check with a
-- rotation of realistic comments (benign, critical, hostile, with article
-- context), then report requests/s, p50/p99 latency and every error.
local comments = {
  "Thanks for writing this up, the section on the budget was really clear.",
  "I disagree with the author here: the numbers from last year tell a different story.",
  "Does anyone know whether the new bus route starts before or after the summer?",
  "This is the worst take I have read all week, and that is saying something.",
  "You are a complete idiot if you believe a word of this.",
  "Great photos! The one of the harbour at sunset is stunning.",
  "The council should have consulted residents before closing the library.",
  "Shut up, nobody cares what a moron like you thinks.",
  "Interesting, but the article never mentions who is paying for the stadium.",
  "My grandmother lived on that street for fifty years; it has changed so much.",
  "What a pathetic excuse for journalism. Fire whoever wrote this garbage.",
  "Could you add a link to the original report? I would like to read it.",
  "Lol, another article about crypto. Check out my channel for real tips!!!",
  "I voted for him twice and I am still disappointed by this decision.",
  "People like you are the reason this country is going down the drain, you clown.",
  "The recipe worked perfectly, although I used less sugar than suggested.",
  "Typo in the third paragraph: it should be 'their', not 'there'.",
  "Go back to where you came from, nobody wants your kind here.",
  "Fair point about the costs, but the long-term savings seem worth it to me.",
  "Héllo from Zürich 😀 the trams here run on time, maybe we can learn something.",
}
local article = '"article":{"id":"a1","title":"City council approves new budget",' ..
  '"body":"The council voted on Tuesday to approve a budget that funds new bus routes, ' ..
  'a stadium renovation and the closing of one branch library.","tags":["local","politics"]}'

local bodies = {}
for i, text in ipairs(comments) do
  local json_text = text:gsub('\\', '\\\\'):gsub('"', '\\"')
  if i % 2 == 0 then
    bodies[i] = '{"id":"c' .. i .. '","text":"' .. json_text .. '",' .. article .. '}'
  else
    bodies[i] = '{"id":"c' .. i .. '","text":"' .. json_text .. '"}'
  end
end

local counter = 0
local headers = {["Content-Type"] = "application/json"}

request = function()
  counter = counter % #bodies + 1
  return wrk.format("POST", "/v1/check", headers, bodies[counter])
end

done = function(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format("requests: %d in %.2fs\n", summary.requests, secs))
  io.write(string.format("requests/s: %.1f\n", summary.requests / secs))
  io.write(string.format("latency p50: %.3f ms\n", latency:percentile(50) / 1000))
  io.write(string.format("latency p99: %.3f ms\n", latency:percentile(99) / 1000))
  io.write(string.format("errors: non-2xx %d, connect %d, read %d, write %d, timeout %d\n",
    e.status, e.connect, e.read, e.write, e.timeout))
  io.write(string.format("total errors: %d\n",
    e.status + e.connect + e.read + e.write + e.timeout))
end
