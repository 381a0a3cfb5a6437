import json,glob,collections
f=glob.glob('.scratch/*.cpuprofile')[0]
p=json.load(open(f))
nodes={n['id']:n for n in p['nodes']}
self_t=collections.Counter()
dt=p['timeDeltas']; samples=p['samples']
for s,d in zip(samples,dt):
    n=nodes[s]; cf=n['callFrame']
    self_t[(cf['functionName'],cf['url'].split('/')[-1],cf['lineNumber'])]+=d
tot=sum(self_t.values())
for k,v in self_t.most_common(25): print(f"{v/1000:8.1f}ms {100*v/tot:5.1f}% {k}")
