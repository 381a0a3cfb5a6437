const t = performance.now(); let x = 0; for (let i = 0; i < 1e8; i++) x = (x + i * 7) % 1000003; console.log('calib ms', (performance.now() - t).toFixed(0), x);
