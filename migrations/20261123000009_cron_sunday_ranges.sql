-- Schedules saved as a day range ending on Sunday (`Mon-Sun`, `Wed-Sun`…) never fired: the cron
-- crate numbers Sunday 1, so such a range is empty. Rewrite them as the lists now written.
UPDATE teams SET shoutout_cron = replace(shoutout_cron, ' Mon-Sun', ' *') WHERE shoutout_cron LIKE '% Mon-Sun';
UPDATE teams SET digest_cron = replace(digest_cron, ' Mon-Sun', ' *') WHERE digest_cron LIKE '% Mon-Sun';
UPDATE teams SET shoutout_cron = replace(shoutout_cron, 'Tue-Sun', 'Tue,Wed,Thu,Fri,Sat,Sun');
UPDATE teams SET digest_cron = replace(digest_cron, 'Tue-Sun', 'Tue,Wed,Thu,Fri,Sat,Sun');
UPDATE teams SET shoutout_cron = replace(shoutout_cron, 'Wed-Sun', 'Wed,Thu,Fri,Sat,Sun');
UPDATE teams SET digest_cron = replace(digest_cron, 'Wed-Sun', 'Wed,Thu,Fri,Sat,Sun');
UPDATE teams SET shoutout_cron = replace(shoutout_cron, 'Thu-Sun', 'Thu,Fri,Sat,Sun');
UPDATE teams SET digest_cron = replace(digest_cron, 'Thu-Sun', 'Thu,Fri,Sat,Sun');
UPDATE teams SET shoutout_cron = replace(shoutout_cron, 'Fri-Sun', 'Fri,Sat,Sun');
UPDATE teams SET digest_cron = replace(digest_cron, 'Fri-Sun', 'Fri,Sat,Sun');
