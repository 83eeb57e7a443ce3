-- The rest of the original's catalogue (reference §3.1–3.3) and current models, so the
-- calculator compares every machine an operator is likely to price. Prices are the ones the
-- original's templates used (reference §3.3), as a starting point an admin can edit.
insert into asic_model (name, manufacturer, hashrate_hs, power_w, cooling, release_date, price_usd) values
    ('Antminer S19', 'Bitmain', 95e12, 3250, 'air', '2020-05-01', null),
    ('Antminer S9', 'Bitmain', 13.5e12, 1350, 'air', '2016-06-01', null),
    ('Antminer S21+', 'Bitmain', 216e12, 3564, 'air', '2025-01-01', null),
    ('Antminer S21 Pro Hyd', 'Bitmain', 319e12, 5445, 'hydro', null, null),
    ('Antminer S21e XP Hyd 3U', 'Bitmain', 860e12, 11180, 'hydro', null, 17000),
    ('Whatsminer M50', 'MicroBT', 114e12, 3306, 'air', null, null),
    ('Whatsminer M53', 'MicroBT', 226e12, 6554, 'hydro', null, null),
    ('Whatsminer M66', 'MicroBT', 240e12, 4776, 'immersion', '2023-10-25', null),
    ('Whatsminer M30S++', 'MicroBT', 112e12, 3472, 'air', '2020-10-01', null),
    ('Whatsminer M31S', 'MicroBT', 78e12, 3276, 'air', '2020-04-01', null),
    ('Avalon A1266', 'Canaan', 100e12, 3500, 'air', '2022-04-01', null),
    ('Avalon A1466I', 'Canaan', 170e12, 3315, 'immersion', '2024-04-20', null),
    ('Innosilicon T3+', 'Innosilicon', 57e12, 3300, 'air', '2019-09-01', null),
    ('Ebang Ebit E12', 'Ebang', 44e12, 2500, 'air', '2019-09-01', null),
    ('Halong DragonMint T1', 'Halong Mining', 16e12, 1480, 'air', '2018-04-01', null),
    ('Auradine Teraflux AH3880', 'Auradine', 600e12, 8700, 'hydro', null, 7800),
    ('SEALMINER A2 Pro Hyd', 'Bitdeer', 500e12, 7450, 'hydro', null, 3958),
    ('SEALMINER A2', 'Bitdeer', 226e12, 3730, 'air', null, null);

update asic_model set price_usd = 2500 where name = 'Antminer S19 Pro' and price_usd is null;
update asic_model set price_usd = 4500 where name = 'Whatsminer M53S' and price_usd is null;
update asic_model set price_usd = 3200 where name = 'Antminer S21' and price_usd is null;
update asic_model set price_usd = 2800 where name = 'Antminer S19 XP' and price_usd is null;
update asic_model set price_usd = 2200 where name = 'Whatsminer M50S' and price_usd is null;
update asic_model set price_usd = 1800 where name = 'Antminer T19' and price_usd is null;
update asic_model set price_usd = 3800 where name = 'Antminer S21 Pro' and price_usd is null;
update asic_model set price_usd = 4200 where name = 'Whatsminer M56S' and price_usd is null;
update asic_model set price_usd = 2300 where name = 'Antminer S19j Pro' and price_usd is null;
