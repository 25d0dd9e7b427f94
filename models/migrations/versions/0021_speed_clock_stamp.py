"""speed: a stamp of the districts' own task clocks that triggers renew on every change, so processes cache them

Revision ID: 0021_speed_clock_stamp
Revises: 0021_speed_settings_stamp
Create Date: 2026-11-29 20:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0021_speed_clock_stamp'
down_revision = '0021_speed_settings_stamp'
branch_labels = None
depends_on = None

NAME, TABLE = 'clock_override', 'clock_override'
OPERATIONS = ('insert', 'update', 'delete')


def upgrade() -> None:
    stamp = sa.table('settings_stamp', sa.column('name', sa.String), sa.column('version', sa.BigInteger))
    op.bulk_insert(stamp, [{'name': NAME, 'version': 0}])
    if op.get_bind().dialect.name == 'postgresql':  # bump_settings_stamp() and its sequence came with the stamp table
        op.execute(f"CREATE TRIGGER bump_{NAME}_on_{TABLE} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {TABLE} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION bump_settings_stamp('{NAME}')")
        return
    for operation in OPERATIONS:
        op.execute(f"CREATE TRIGGER bump_{NAME}_on_{TABLE}_{operation} AFTER {operation.upper()} ON {TABLE} "
                   f"BEGIN UPDATE settings_stamp SET version = random() WHERE name = '{NAME}'; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"DROP TRIGGER bump_{NAME}_on_{TABLE} ON {TABLE}")
    else:
        for operation in OPERATIONS:
            op.execute(f"DROP TRIGGER bump_{NAME}_on_{TABLE}_{operation}")
    op.execute(f"DELETE FROM settings_stamp WHERE name = '{NAME}'")
