"""speed: a stamp of the working-day calendar that triggers renew on every change, so processes cache it

Revision ID: 0021_speed_settings_stamp
Revises: 0021_publicity
Create Date: 2026-11-29 20:35:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0021_speed_settings_stamp'
down_revision = '0021_publicity'
branch_labels = None
depends_on = None

COVERED = {'calendar': ('calendar_day', 'calendar_year')}  # stamp name: the tables whose changes bump it
OPERATIONS = ('insert', 'update', 'delete')


def upgrade() -> None:
    stamp = op.create_table('settings_stamp',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_settings_stamp')),
    )
    op.bulk_insert(stamp, [{'name': name, 'version': 0} for name in COVERED])
    if op.get_bind().dialect.name == 'postgresql':
        # A sequence never hands a value out twice, even to a transaction that rolled back.
        op.execute("CREATE SEQUENCE settings_stamp_seq")
        op.execute("CREATE FUNCTION bump_settings_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "UPDATE settings_stamp SET version = nextval('settings_stamp_seq') WHERE name = TG_ARGV[0]; "
                   "RETURN NULL; END $$")
    for name, tables in COVERED.items():
        for table in tables:
            _create_triggers(name, table)


def _create_triggers(name: str, table: str) -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE TRIGGER bump_{name}_on_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION bump_settings_stamp('{name}')")
        return
    # SQLite triggers fire for each row; a 64-bit random() repeats an earlier value with odds of 2**-64.
    for operation in OPERATIONS:
        op.execute(f"CREATE TRIGGER bump_{name}_on_{table}_{operation} AFTER {operation.upper()} ON {table} "
                   f"BEGIN UPDATE settings_stamp SET version = random() WHERE name = '{name}'; END")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for name, tables in COVERED.items():
        for table in tables:
            if postgresql:
                op.execute(f"DROP TRIGGER bump_{name}_on_{table} ON {table}")
            else:
                for operation in OPERATIONS:
                    op.execute(f"DROP TRIGGER bump_{name}_on_{table}_{operation}")
    if postgresql:
        op.execute("DROP FUNCTION bump_settings_stamp()")
        op.execute("DROP SEQUENCE settings_stamp_seq")
    op.drop_table('settings_stamp')
