-- Seed of the catalogue from the original system's MINER_DATA and its 2025-08-23 export
-- (reference §3.1–3.2); prices are unknown there, so they stay null.
insert into asic_model (name, manufacturer, hashrate_hs, power_w, cooling, release_date) values
    ('Antminer S19 Pro', 'Bitmain', 110e12, 3250, 'air', '2020-05-01'),
    ('Antminer S19j Pro', 'Bitmain', 104e12, 3068, 'air', '2021-06-03'),
    ('Antminer S19 XP', 'Bitmain', 140e12, 3010, 'air', null),
    ('Antminer T19', 'Bitmain', 88e12, 3150, 'air', null),
    ('Antminer S21', 'Bitmain', 200e12, 3500, 'air', '2024-01-01'),
    ('Antminer S21 Pro', 'Bitmain', 234e12, 3531, 'air', null),
    ('Antminer S21 XP', 'Bitmain', 270e12, 3645, 'air', null),
    ('Antminer S21 Hyd', 'Bitmain', 335e12, 5360, 'hydro', '2023-12-25'),
    ('Antminer S21 XP Hyd', 'Bitmain', 473e12, 5676, 'hydro', '2024-07-02'),
    ('Whatsminer M50S', 'MicroBT', 126e12, 3276, 'air', '2022-04-01'),
    ('Whatsminer M50S++', 'MicroBT', 150e12, 3300, 'air', '2023-05-01'),
    ('Whatsminer M53S', 'MicroBT', 226e12, 6554, 'hydro', null),
    ('Whatsminer M56S', 'MicroBT', 212e12, 5550, 'immersion', null),
    ('Whatsminer M60S', 'MicroBT', 186e12, 3441, 'air', '2023-10-24'),
    ('Whatsminer M66S', 'MicroBT', 298e12, 5513, 'hydro', '2023-10-24'),
    ('Avalon A1366', 'Canaan', 130e12, 3250, 'air', null),
    ('Avalon A1466', 'Canaan', 150e12, 3230, 'air', '2024-04-20'),
    ('Avalon A1566', 'Canaan', 185e12, 3420, 'air', null),
    ('Avalon Mini 3', 'Canaan', 37.5e12, 800, 'air', null);
